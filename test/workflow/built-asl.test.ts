import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { aslFileText, aslFileUrl } from '../../state-machine/asl-file';
import { builtAsl } from '../../state-machine/built-asl';
import { renderAsl } from '../../state-machine/render';

describe('the rendered ASL artefact (state-machine/asl.json)', () => {
  it('is exactly what the definition renders today, so the local run executes the deployed ASL (run `npm run build` after changing the definition)', () => {
    const fresh = renderAsl();
    expect(readFileSync(aslFileUrl, 'utf8')).toBe(aslFileText(fresh));
    expect(builtAsl).toEqual(fresh);
  });
});
