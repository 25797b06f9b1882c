// The emulator's clock starts at the real now unless a test pins it. Suites that compare two
// worlds (a clean run against a crashed one) start both here, read once per test file, so that
// their backup names and timestamps agree whatever today's date is.
export const SUITE_START = Date.now();
