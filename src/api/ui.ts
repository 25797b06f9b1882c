// Contract: onOpen, onInstall, showSidebar. (Being implemented: see issue 5.)
export function onOpen(_e?: unknown): void {
  throw new Error('onOpen: not implemented yet');
}
export function onInstall(e?: unknown): void {
  onOpen(e);
}
export function showSidebar(): void {
  throw new Error('showSidebar: not implemented yet');
}
