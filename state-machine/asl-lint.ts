/**
 * What the local executor cannot run, found in rendered ASL: aws-local-stepfunctions silently
 * ignores JSONata and has no variables or Distributed Map readers, and asl-validator accepts them,
 * so a definition using them would pass validation and then behave differently on a laptop.
 */

/** The fields that exist only with JSONata, variables or a Distributed Map reader. */
const unsupportedFields = ['Assign', 'ItemReader', 'Arguments', 'Output', 'ItemBatcher', 'ResultWriter'];

/**
 * Every use of an unsupported feature, as `<path>: <what>`; empty when the document is plain JSONPath ASL.
 * @example lintAsl({ StartAt: 'A', States: { A: { Type: 'Pass', Assign: {}, End: true } } }) // ['$.States.A.Assign: variables (Assign) ...']
 */
export const lintAsl = (asl: unknown): string[] => {
  const problems: string[] = [];
  const visit = (value: unknown, path: string): void => {
    if (typeof value === 'string') {
      if (value.includes('{%')) problems.push(`${path}: a JSONata expression ({% … %}); use JSONPath`);
      return;
    }
    if (Array.isArray(value)) {
      value.forEach((item, index) => visit(item, `${path}[${index}]`));
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    for (const [key, field] of Object.entries(value)) {
      const at = `${path}.${key}`;
      // CDK's jsonPath() factories state `"QueryLanguage": "JSONPath"` on each state; only JSONata is a problem.
      if (key === 'QueryLanguage' && field !== 'JSONPath') problems.push(`${at}: QueryLanguage ${JSON.stringify(field)}; use JSONPath`);
      if (unsupportedFields.includes(key)) {
        problems.push(`${at}: ${key === 'Assign' ? 'variables (Assign)' : key}; the local executor does not run it`);
      }
      visit(field, at);
    }
  };
  visit(asl, '$');
  return problems;
};
