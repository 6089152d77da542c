/**
 * What the stack sets on the step functions (infra/step-function.ts, steps/env.ts), with
 * placeholder values: every variable any handler decodes at cold start, so importing a handler
 * runs the same module-level code as in Lambda. Nothing here is contacted. One definition for the
 * handler tests and the bench's cold imports, so a variable a new resource brings is added once.
 */
export const deployedEnvironment = {
  AWS_REGION: 'eu-west-1',
  LAKE_BUCKET_NAME: 'lake-bucket',
  DEFAULT_PLAYLIST_IDS: '37i9dQZF1DZ06evO25rXbO,5lH9NjOeJvctAO92ZrKQNB',
  SPOTIFY_CREDENTIALS_SECRET_ID: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:creds',
  SPOTIFY_TOKEN_CACHE_SECRET_ID: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:token',
  SPOTIFY_API_BASE_URL: 'https://api.spotify.com/v1',
  SPOTIFY_ACCOUNTS_BASE_URL: 'https://accounts.spotify.com',
  SPOTIFY_GRANT: 'refresh_token',
  GLUE_CRAWLER_NAME: 'curated-crawler',
  GLUE_DATABASE_NAME: 'spotify',
  ATHENA_WORKGROUP: 'spotify',
  FAILURE_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:failures',
  STATE_MACHINE_ARN: 'arn:aws:states:eu-west-1:123456789012:stateMachine:spotify-etl',
  RESTART_SCHEDULE_GROUP: 'spotify-etl-restarts',
  RESTART_ROLE_ARN: 'arn:aws:iam::123456789012:role/restarts',
  REJECT_TOLERANCE: '2',
  POWERTOOLS_SERVICE_NAME: 'spotify-etl-test',
  POWERTOOLS_METRICS_NAMESPACE: 'spotify-etl-test',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
} as const;
