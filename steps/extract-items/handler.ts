/** ExtractItems's Lambda: its logic bound to the AWS ports its contract declares, built once per cold start. */
import { lake } from '../aws-ports/lake';
import { spotify } from '../aws-ports/spotify';
import { awsHandler } from '../aws-wiring';
import { extractItems } from './contract';
import { runExtractItems } from './step';

/** The Lambda entry point, with the adapters its declared resources call for (a mismatch fails the cold start). */
export const handler = awsHandler(extractItems, runExtractItems, { lake, spotify });
