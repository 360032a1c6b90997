// A scrolling logic-analyser view of the watched pins, drawn on a canvas.
// Data per pin: [[t_ns, level], ...] with levels 0, 1, 2 (floating), 3 (contention), 4 (busy: the
// pin changed faster than one pixel, sent by the server as a block).

const GUTTER = 54;
const LANE = 30;
const AXIS = 22;

export function formatNs(ns) {
  const a = Math.abs(ns);
  for (const [unit, scale] of [["s", 1e9], ["ms", 1e6], ["us", 1e3]]) {
    if (a >= scale) return `${+(ns / scale).toFixed(3)}${unit}`;
  }
  return `${ns}ns`;
}

export class WaveView {
  constructor(canvas) {
    this.canvas = canvas;
    this.data = new Map();
    this.pins = [];
    this.windowNs = 2e9;
    this.points = 0;
  }

  setPins(pins) {
    this.pins = pins;
    for (const name of [...this.data.keys()]) if (!pins.includes(name)) this.data.delete(name);
    for (const name of pins) if (!this.data.has(name)) this.data.set(name, []);
  }

  width() {
    return Math.max(200, this.canvas.clientWidth - GUTTER);
  }

  apply(updates, now) {
    for (const [pin, update] of Object.entries(updates)) {
      const arr = this.data.get(pin);
      if (!arr) continue;
      while (arr.length && arr[arr.length - 1][0] >= update.from_t) arr.pop();
      for (const c of update.changes) arr.push(c);
      // forget what scrolled out, but keep the level at the left edge
      const start = now - this.windowNs * 1.5;
      let drop = 0;
      while (drop + 1 < arr.length && arr[drop + 1][0] <= start) drop++;
      if (drop) arr.splice(0, drop);
      this.points += update.changes.length;
    }
    this.canvas.dataset.points = String(this.points);
  }

  draw(now) {
    const c = this.canvas;
    const dpr = window.devicePixelRatio || 1;
    const cssW = c.clientWidth || 600;
    const cssH = Math.max(60, this.pins.length * LANE + AXIS + 6);
    if (c.width !== Math.round(cssW * dpr) || c.height !== Math.round(cssH * dpr)) {
      c.width = Math.round(cssW * dpr);
      c.height = Math.round(cssH * dpr);
      c.style.height = `${cssH}px`;
    }
    const g = c.getContext("2d");
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, cssW, cssH);
    const w = cssW - GUTTER - 8;
    const start = now - this.windowNs;
    const x = (t) => GUTTER + Math.max(0, Math.min(w, ((t - start) / this.windowNs) * w));
    const styles = getComputedStyle(document.documentElement);
    const col = (name, fallback) => styles.getPropertyValue(name).trim() || fallback;
    const hi = col("--wave-high", "#3ddc84"), grid = col("--grid", "#2a3340"), text = col("--muted", "#8b97a6");

    // time grid
    const step = niceStep(this.windowNs / 8);
    g.font = "11px ui-monospace, monospace";
    g.fillStyle = text;
    g.strokeStyle = grid;
    g.lineWidth = 1;
    for (let t = Math.ceil(start / step) * step; t <= now; t += step) {
      if (t < 0) continue;
      const px = Math.round(x(t)) + 0.5;
      g.beginPath(); g.moveTo(px, 0); g.lineTo(px, cssH - AXIS); g.stroke();
      g.fillText(formatNs(t), px + 3, cssH - 7);
    }
    if (!this.pins.length) {
      g.fillText("click a pin (or tick 'wave') to watch it", GUTTER, 24);
      return;
    }
    this.pins.forEach((pin, lane) => {
      const top = lane * LANE + 6, yHi = top + 4, yLo = top + LANE - 10, yMid = (yHi + yLo) / 2;
      g.fillStyle = text;
      g.fillText(pin, 8, yMid + 4);
      const arr = this.data.get(pin) || [];
      g.lineWidth = 1.6;
      for (let i = 0; i < arr.length; i++) {
        const [t, level] = arr[i];
        const tEnd = i + 1 < arr.length ? arr[i + 1][0] : now;
        if (tEnd < start || t > now) continue;
        const x0 = x(t), x1 = Math.max(x(tEnd), x0 + 0.5);
        if (level === 4) {
          g.fillStyle = hi; g.globalAlpha = 0.55;
          g.fillRect(x0, yHi, x1 - x0, yLo - yHi);
          g.globalAlpha = 1;
          continue;
        }
        if (level === 3) {
          g.fillStyle = "#ff4d4f"; g.globalAlpha = 0.7;
          g.fillRect(x0, yHi, x1 - x0, yLo - yHi); g.globalAlpha = 1;
          continue;
        }
        const y = level === 1 ? yHi : level === 0 ? yLo : yMid;
        g.strokeStyle = level === 2 ? text : hi;
        g.setLineDash(level === 2 ? [3, 3] : []);
        g.beginPath();
        if (i > 0) {
          const prev = arr[i - 1][1];
          const yPrev = prev === 1 ? yHi : prev === 0 ? yLo : null;
          if (yPrev !== null && yPrev !== y && t >= start) { g.moveTo(x0, yPrev); g.lineTo(x0, y); }
        }
        g.moveTo(x0, y); g.lineTo(x1, y);
        g.stroke();
        g.setLineDash([]);
      }
    });
  }
}

function niceStep(raw) {
  const p = Math.pow(10, Math.floor(Math.log10(raw)));
  for (const m of [1, 2, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}
