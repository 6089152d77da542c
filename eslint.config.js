// Lint, including the dependency rules of STYLE.md §1: they are enforced here, not by review.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const sdkAndFrameworks = [
  { group: ['@aws-sdk/*', 'aws-sdk', '@duckdb/*', 'aws-cdk-lib', 'aws-cdk-lib/*', 'constructs'], message: 'core/ is pure: it imports io-ts and fp-ts only (STYLE.md §1).' },
];

export default tseslint.config(
  { ignores: ['node_modules/', 'cdk.out/', 'lake/', 'coverage/', 'bench/results/', 'dist/', '.scratch*/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly' } },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
      'no-console': 'off',
    },
  },
  {
    files: ['core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...sdkAndFrameworks,
            { regex: '^(?!io-ts(/|$)|fp-ts(/|$)|\\.)', message: 'core/ is pure: it imports io-ts and fp-ts only (STYLE.md §1).' },
            { group: ['**/adapters/**', '**/steps/**', '**/state-machine/**', '**/infra/**', '**/cli/**'], message: 'core/ depends on nothing else in the project.' },
          ],
        },
      ],
    },
  },
  {
    files: ['steps/*/step.ts', 'steps/*/contract.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            // An allow-list: io-ts, fp-ts, core/, the step's own contract and other steps' contracts.
            // Everything else (adapters, the AWS wiring, env, SDKs, other steps' logic) is refused.
            {
              regex: '^(?!io-ts$|fp-ts(/|$)|\\.\\./\\.\\./core/|\\./contract$|\\.\\./[a-z-]+/contract$)',
              message: 'step logic and contracts import io-ts, fp-ts, core/ and step contracts only; only handler.ts and cli/ construct adapters (STYLE.md §1).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['state-machine/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            // An allow-list: CDK and the local executor library, Node built-ins, core/, step
            // contracts and the registry of them, and this folder.
            {
              regex: '^(?!aws-cdk-lib(/|$)|constructs$|aws-local-stepfunctions$|node:|\\./|\\.\\./core/|\\.\\./steps/[a-z-]+/contract$|\\.\\./steps/registry$)',
              message: 'state-machine/ imports step contracts only, never step logic, handlers, adapters or the command line (STYLE.md §1).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['adapters/**/*.ts', 'steps/**/*.ts', 'cli/**/*.ts'],
    // A later block's no-restricted-imports replaces an earlier one's: without this, step.ts and
    // contract.ts would lose their own rules above (which already forbid aws-cdk-lib).
    ignores: ['steps/*/step.ts', 'steps/*/contract.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['aws-cdk-lib', 'aws-cdk-lib/*', 'constructs'], message: 'only infra/ and state-machine/ import aws-cdk-lib (DESIGN §2).' }] },
      ],
    },
  },
  {
    // The registry is loaded by the command line and by every place that lists the steps: it
    // takes the step contracts and `placed`, whose module has type imports only, so no CDK follows.
    files: ['steps/registry.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^(?!\\./[a-z-]+/contract$|\\.\\./state-machine/placement$)', message: 'the registry imports step contracts and state-machine/placement only.' }] },
      ],
    },
  },
);
