// asl-validator 4 ships no types; this is the part of its API the tests call.
declare module 'asl-validator' {
  const validate: (definition: unknown) => { isValid: boolean; errorsText: (separator?: string) => string };
  export default validate;
}
