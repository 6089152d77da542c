/**
 * AWS list prices the cost-per-run estimate uses: us-east-1, on-demand, without free tiers or
 * savings plans. One table, so a price change is one edit here.
 *
 * Sources: the public pricing pages below. The bench runs offline, so they were checked when this
 * table was written (2026-11) against stored copies of those pages and of 2026 price guides, not
 * fetched live; re-check them before quoting a number.
 * - https://aws.amazon.com/step-functions/pricing/  standard workflows, per state transition (retries included);
 *                                                   express workflows, per request (execution started) and per
 *                                                   GB-second of duration (rounded up to 100 ms, memory in 64 MB chunks)
 * - https://aws.amazon.com/lambda/pricing/          arm64, first 7.5 billion GB-s a month; requests
 * - https://aws.amazon.com/s3/pricing/              S3 Standard requests (DELETE is free)
 * - https://aws.amazon.com/athena/pricing/          SQL queries: bytes scanned, rounded up to the MB, 10 MB minimum
 * - https://aws.amazon.com/glue/pricing/            crawlers: per DPU-hour, billed per second, 10-minute minimum per run
 * - https://aws.amazon.com/secrets-manager/pricing/ API calls
 */

/** When the prices below were last checked against the pages above. */
export const pricesAsOf = '2026-11';

/** The region the prices are for. */
export const pricesRegion = 'us-east-1';

/** USD list prices per unit. */
export const prices = {
  stepFunctionsPerTransition: 0.025 / 1000,
  stepFunctionsExpressPerRequest: 1 / 1_000_000,
  /** The first tier (up to 1,000 hours of GB-s a month). */
  stepFunctionsExpressPerGbSecond: 0.00001667,
  stepFunctionsExpressMemoryChunkMb: 64,
  stepFunctionsExpressDurationStepSeconds: 0.1,
  lambdaArmPerGbSecond: 0.0000133334,
  lambdaPerRequest: 0.2 / 1_000_000,
  s3PutCopyPostListPerRequest: 0.005 / 1000,
  s3GetPerRequest: 0.0004 / 1000,
  athenaPerTerabyteScanned: 5,
  athenaMinimumBytesPerQuery: 10 * 1_000_000,
  glueCrawlerPerDpuHour: 0.44,
  glueCrawlerMinimumSecondsPerRun: 600,
  secretsManagerPerApiCall: 0.05 / 10_000,
} as const;

/**
 * What the prices do not say and the estimate has to assume, each stated in the output.
 * - A crawler's DPU count is chosen by AWS, not by us; a small incremental crawl of a few new
 *   partition folders finishes well inside the 10-minute minimum. 1 DPU is assumed (docs/operations.md
 *   uses the same); if AWS allots 2, the crawler line doubles.
 * - Since 2025-08-01 Lambda bills the INIT phase of on-demand functions, so a daily run (always a
 *   cold start) pays each function's cold import once.
 * - Local task times have no network latency: each Spotify and S3 request adds the latency below.
 * - An EXPRESS playlist child (a 1 KB definition, payloads under 1 KB) fits the smallest memory
 *   chunk, 64 MB; its duration is its local wall time plus the latency of its Spotify requests.
 */
export const assumptions = {
  glueCrawlerDpus: 1,
  spotifyRequestSeconds: 0.15,
  s3RequestSeconds: 0.03,
  secretsManagerRequestSeconds: 0.03,
} as const;
