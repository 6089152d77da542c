import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const eslint = new ESLint({ cwd: repoRoot });

/** The no-restricted-imports messages the project's lint config gives `code` placed at `filePath`. */
const restrictedImports = async (filePath: string, code: string): Promise<string[]> => {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
};

const importing = (specifier: string) => `import * as imported from '${specifier}';\nexport const used = imported;\n`;

describe('import rules (STYLE.md §1)', () => {
  it.each(['io-ts', 'fp-ts/lib/Either.js', './tables', '../spotify/codecs'])('let core/ import %s', async (specifier) => {
    // Act
    const messages = await restrictedImports('core/lake/x.ts', importing(specifier));

    // Assess
    expect(messages).toEqual([]);
  });

  it.each(['node:http', '@aws-sdk/client-s3', '@duckdb/node-api', 'aws-cdk-lib', 'aws-cdk-lib/aws-s3', 'node:fs', 'yaml'])(
    'fails core/ importing %s',
    async (specifier) => {
      // Act
      const messages = await restrictedImports('core/x.ts', importing(specifier));

      // Assess
      expect(messages.length).toBeGreaterThan(0);
      for (const message of messages) expect(message).toMatch(/core\/ is pure: it imports io-ts and fp-ts only/);
    },
  );

  it.each(['../adapters/local/fs-blob-store', '../steps/normalise/step', '../cli/main'])(
    'fails core/ importing the project module %s',
    async (specifier) => {
      // Act
      const messages = await restrictedImports('core/x.ts', importing(specifier));

      // Assess
      expect(messages).toEqual([expect.stringMatching(/core\/ depends on nothing else in the project/)]);
    },
  );

  it('fails a step importing an adapter, and lets it import core/ and its own contract', async () => {
    // Act
    const adapter = await restrictedImports('steps/x/step.ts', importing('../../adapters/local/fs-blob-store'));
    const allowed = await restrictedImports(
      'steps/x/step.ts',
      `${importing('../../core/normalise')}import type { Input } from './contract';\nexport type I = Input;\n`,
    );

    // Assess
    expect(adapter).toEqual([expect.stringMatching(/only handler.ts and cli\/ construct adapters/)]);
    expect(allowed).toEqual([]);
  });

  it.each(['steps/x/step.ts', 'steps/x/contract.ts'])('fails %s importing aws-cdk-lib or node:http', async (filePath) => {
    // Act
    const messages = [
      ...(await restrictedImports(filePath, importing('aws-cdk-lib'))),
      ...(await restrictedImports(filePath, importing('node:http'))),
    ];

    // Assess
    expect(messages).toEqual([
      expect.stringMatching(/step logic and contracts import io-ts, fp-ts, core\/ and step contracts only/),
      expect.stringMatching(/step logic and contracts import io-ts, fp-ts, core\/ and step contracts only/),
    ]);
  });

  it.each(['../a/step', '../a/handler', '../aws-wiring', '../env', 'hyparquet-writer', '@aws-lambda-powertools/logger'])(
    'fails a step importing %s: only its handler wires the outside world',
    async (specifier) => {
      // Act
      const messages = await restrictedImports('steps/x/step.ts', importing(specifier));

      // Assess
      expect(messages).toEqual([expect.stringMatching(/step logic and contracts import io-ts, fp-ts, core\/ and step contracts only/)]);
    },
  );

  it("lets a step's contract import another step's contract", async () => {
    // Act
    const messages = await restrictedImports('steps/x/contract.ts', importing('../start-crawler/contract'));

    // Assess
    expect(messages).toEqual([]);
  });

  it.each(['../steps/a/step', '../steps/a/handler', '../steps/a/step.js', '../steps/aws-wiring', '../cli/main', '../adapters/local/fs-blob-store', '@duckdb/node-api', '@aws-sdk/client-sfn'])(
    'fails the state machine importing %s',
    async (specifier) => {
      // Act
      const messages = await restrictedImports('state-machine/x.ts', importing(specifier));

      // Assess
      expect(messages).toEqual([expect.stringMatching(/state-machine\/ imports step contracts only/)]);
    },
  );

  it.each(['../steps/a/contract', '../steps/registry', '../core/errors', './paths', 'aws-cdk-lib/aws-stepfunctions', 'aws-local-stepfunctions'])(
    'lets the state machine import %s',
    async (specifier) => {
      // Act
      const messages = await restrictedImports('state-machine/x.ts', importing(specifier));

      // Assess
      expect(messages).toEqual([]);
    },
  );

  it.each(['./normalise/contract', '../state-machine/placement'])('lets the registry import %s', async (specifier) => {
    // Act
    const messages = await restrictedImports('steps/registry.ts', importing(specifier));

    // Assess
    expect(messages).toEqual([]);
  });

  it.each(['../state-machine/paths', '../state-machine/definition', './normalise/step', './aws-wiring', 'aws-cdk-lib'])('fails the registry importing %s', async (specifier) => {
    // Act
    const messages = await restrictedImports('steps/registry.ts', importing(specifier));

    // Assess
    expect(messages).toEqual([expect.stringMatching(/the registry imports step contracts and state-machine\/placement only/)]);
  });

  it.each(['adapters/aws/x.ts', 'steps/x/handler.ts', 'cli/x.ts'])('fails %s importing aws-cdk-lib', async (filePath) => {
    // Act
    const messages = await restrictedImports(filePath, importing('aws-cdk-lib'));

    // Assess
    expect(messages).toEqual([expect.stringMatching(/only infra\/ and state-machine\/ import aws-cdk-lib/)]);
  });
});
