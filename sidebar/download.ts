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

/**
 * `sheet-migrator-verification-20251125-200102.json`, stamped with the server's time (the
 * report's or the last status's), in the viewer's zone.
 */
export function reportFileName(kind: string, serverIso: string | undefined): string {
  const parsed = serverIso ? new Date(serverIso) : null;
  const when = parsed && !isNaN(parsed.getTime()) ? parsed : new Date(0);
  const p = (n: number) => String(n).padStart(2, '0');
  const stamp = `${when.getFullYear()}${p(when.getMonth() + 1)}${p(when.getDate())}-${p(when.getHours())}${p(when.getMinutes())}${p(when.getSeconds())}`;
  return `sheet-migrator-${kind}-${stamp}.json`;
}
