// Reports leave the sidebar as JSON files: a Blob behind an <a download>, no server round trip.

export function downloadJson(fileName: string, value: unknown): void {
  const blob = new Blob([JSON.stringify(value, null, 2) + '\n'], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  document.body.removeChild(a);
  // The click starts the download synchronously; revoking later keeps slow browsers happy.
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

/** `sheet-migrator-verification-20251125-200102.json` */
export function reportFileName(kind: string, when = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const stamp = `${when.getFullYear()}${p(when.getMonth() + 1)}${p(when.getDate())}-${p(when.getHours())}${p(when.getMinutes())}${p(when.getSeconds())}`;
  return `sheet-migrator-${kind}-${stamp}.json`;
}
