/**
 * The names of the states that are not steps (steps take theirs from their contracts), apart from
 * the definition so the local run can name states without loading CDK.
 */
export const stateNames = {
  startRun: 'StartRun',
  forEachDate: 'ForEachDate',
  extractOrRebuild: 'ExtractOrRebuild',
  forEachPlaylist: 'ForEachPlaylist',
  extractPlaylist: 'ExtractPlaylist',
  metadataReady: 'MetadataReady',
  waitForMetadata: 'WaitForMetadata',
  morePages: 'MorePages',
  waitRetryAfter: 'WaitRetryAfter',
  playlistExtracted: 'PlaylistExtracted',
  waitForCrawler: 'WaitForCrawler',
  crawlerFinished: 'CrawlerFinished',
  validateEachDate: 'ValidateEachDate',
  waitForQuery: 'WaitForQuery',
  queryFinished: 'QueryFinished',
  runSucceeded: 'RunSucceeded',
  runFailed: 'RunFailed',
  reportFailed: 'ReportFailed',
} as const;

/** The Choice before a step placed `when` a boolean holds (state-machine/placement.ts): `FetchTokenNeeded`. */
export const neededChoiceOf = (stepStateName: string): string => `${stepStateName}Needed`;
