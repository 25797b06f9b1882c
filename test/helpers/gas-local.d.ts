declare module 'gas-local' {
  export function require(
    folderPath: string,
    globalObject?: Record<string, unknown>,
    options?: { filter?: (file: string) => boolean },
  ): Record<string, unknown>;
}
