// @ts-check
/**
 * Publish and ack rates of the last minute as a small SVG line chart. The chart is an image with
 * a text alternative (the latest rates and the peak); the numbers are also printed beside it.
 */

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 360;
const HEIGHT = 90;

/**
 * @param {string} name
 * @param {Record<string, string | number>} attrs
 */
function svg(name, attrs) {
  const el = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}

/**
 * @param {{ intervalMs: number, publish: number[], ack: number[] }} rates
 * @returns {Element}
 */
export function ratesChart(rates) {
  const n = rates.publish.length;
  const perSecond = 1000 / rates.intervalMs;
  const peak = Math.max(1, ...rates.publish, ...rates.ack);
  const x = (/** @type {number} */ i) => (i / Math.max(1, n - 1)) * (WIDTH - 2) + 1;
  const y = (/** @type {number} */ v) => HEIGHT - 2 - (v / peak) * (HEIGHT - 6);
  const line = (/** @type {number[]} */ values) =>
    values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
  const lastPublish = (rates.publish[n - 1] ?? 0) * perSecond;
  const lastAck = (rates.ack[n - 1] ?? 0) * perSecond;
  const label =
    `Rates over the last ${Math.round((n * rates.intervalMs) / 1000)} seconds: ` +
    `now ${lastPublish} published and ${lastAck} acknowledged per second; peak ${peak * perSecond} per second.`;
  const chart = svg('svg', {
    viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
    preserveAspectRatio: 'none',
    class: 'chart',
    role: 'img',
    'aria-label': label,
  });
  chart.append(
    svg('line', { x1: 0, y1: HEIGHT - 1, x2: WIDTH, y2: HEIGHT - 1, class: 'axis' }),
    svg('polyline', { points: line(rates.publish), class: 'series-publish' }),
    svg('polyline', { points: line(rates.ack), class: 'series-ack' }),
  );
  return chart;
}
