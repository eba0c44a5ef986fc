// Numbers as people read them, and the units of scenarios (docs/scenarios.md: ps/ns/us/ms/s, bps/Kbps/Mbps/Gbps).

const PS_PER = [["s", 1e12], ["ms", 1e9], ["us", 1e6], ["ns", 1e3]];

/** A simulated time in picoseconds, e.g. "1.250 ms". */
export function time(ps) {
  for (const [unit, size] of PS_PER) if (Math.abs(ps) >= size) return `${(ps / size).toFixed(3)} ${unit}`;
  return `${ps} ps`;
}

/** A count with thousands separators. */
export const count = (n) => Math.round(n).toLocaleString("en-US");

export const percent = (ratio) => `${(100 * ratio).toFixed(1)} %`;

/** A rate in bits per second as a scenario writes it, exact: 10Gbps, 2500Mbps, 1bps. */
export function rateKey(bps) {
  for (const [unit, size] of [["Gbps", 1e9], ["Mbps", 1e6], ["Kbps", 1e3]]) if (bps % size === 0) return `${bps / size}${unit}`;
  return `${bps}bps`;
}

/** A delay in picoseconds as a scenario writes it, exact: 1us, 500ns, 1500ps. */
export function delayKey(ps) {
  for (const [unit, size] of PS_PER) if (ps % size === 0 && ps !== 0) return `${ps / size}${unit}`;
  return `${ps}ps`;
}
