/**
 * A client that is constructed on its first call rather than at cold start (constructing one
 * resolves region, credentials provider and middleware); the adapters only ever call `send`.
 */
export const onFirstSend = <C extends { send: (...args: never[]) => unknown }>(make: () => C): C => {
  let client: C | undefined;
  return { send: (...args: Parameters<C['send']>) => (client ??= make()).send(...args) } as unknown as C;
};
