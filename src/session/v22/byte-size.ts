/**
 * A byte count in binary units with at most two decimals, trailing zeros trimmed, as the
 * oversized-drop status spells it: `100 KiB`, `1.5 MiB`, `1.17 KiB`, `900 bytes`.
 */
export function formatByteSize(bytes: number): string {
  const KIB = 1024;
  const MIB = 1024 * 1024;
  if (bytes >= MIB) return `${trimZeros(bytes / MIB)} MiB`;
  if (bytes >= KIB) return `${trimZeros(bytes / KIB)} KiB`;
  return `${bytes} bytes`;
}

function trimZeros(value: number): string {
  return value.toFixed(2).replace(/0+$/, "").replace(/\.$/, "");
}
