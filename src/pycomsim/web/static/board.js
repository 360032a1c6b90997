// The board drawing: a Pycom module on its expansion board, built as SVG from the pin list.
// Pads show the pad level (colour); a white ring marks a pin configured as an output.

const NS = "http://www.w3.org/2000/svg";
// LoPy/WiPy/FiPy/GPy header order, antenna end at the top (Pycom pinout drawings).
const LEFT = ["RST", "P0", "P1", "P2", "P3", "P4", "P5", "P6", "P7", "P8", "P9", "P10", "P11", "P12"];
const RIGHT = ["VIN", "3V3", "GND", "P23", "P22", "P21", "P20", "P19", "P18", "P17", "P16", "P15", "P14", "P13"];
const LEVEL_CLASS = ["low", "high", "floating", "contention"];
const LEVEL_TEXT = ["0", "1", "floating", "contention"];
// what the board does with these pads (docs/pin.md sections 1 and 9)
const ROLES = { P0: "UART RX", P1: "UART TX", P2: "RGB LED", P12: "antenna switch / safe boot" };
const EXPANSION_ROLES = { P9: "user LED", P10: "user button" };

function el(name, attrs = {}, parent = null, text = null) {
  const node = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== null) node.textContent = text;
  if (parent) parent.appendChild(node);
  return node;
}

export class BoardView {
  constructor(container, hello, { onPinClick, onButton }) {
    this.pads = new Map();
    const expName = new Map(hello.pins.map((p) => [p.name, p.exp_name]));
    const svg = el("svg", { viewBox: hello.expansion ? "0 0 360 540" : "40 20 280 360", id: "board", role: "img",
      "aria-label": `${hello.sysname} on an expansion board` });
    const defs = el("defs", {}, svg);
    const glow = el("filter", { id: "glow", x: "-150%", y: "-150%", width: "400%", height: "400%" }, defs);
    el("feGaussianBlur", { stdDeviation: "5", result: "b" }, glow);
    const merge = el("feMerge", {}, glow);
    el("feMergeNode", { in: "b" }, merge);
    el("feMergeNode", { in: "SourceGraphic" }, merge);

    if (hello.expansion) {
      el("rect", { x: 8, y: 8, width: 344, height: 524, rx: 16, class: "pcb" }, svg);
      el("text", { x: 180, y: 520, class: "silk", "text-anchor": "middle" }, svg, "pycom expansion board");
      for (const [x, y] of [[24, 24], [336, 24], [24, 516], [336, 516]]) el("circle", { cx: x, cy: y, r: 6, class: "hole" }, svg);
      el("rect", { x: 160, y: 498, width: 40, height: 14, rx: 2, class: "usb" }, svg);
    }
    // the module
    el("rect", { x: 92, y: 30, width: 176, height: 340, rx: 8, class: "module" }, svg);
    el("rect", { x: 120, y: 38, width: 120, height: 26, rx: 3, class: "antenna" }, svg);
    el("text", { x: 180, y: 56, class: "module-small", "text-anchor": "middle" }, svg, "antenna");
    el("text", { x: 180, y: 262, class: "module-name", "text-anchor": "middle" }, svg, hello.sysname);
    el("text", { x: 180, y: 282, class: "module-small", "text-anchor": "middle" }, svg, "pycom");
    // RGB LED (WS2812 on P2)
    el("rect", { x: 166, y: 96, width: 28, height: 28, rx: 4, class: "rgb-body" }, svg);
    this.rgb = el("circle", { cx: 180, cy: 110, r: 10, class: "rgb", id: "rgb-led" }, svg);
    el("text", { x: 180, y: 140, class: "module-small", "text-anchor": "middle" }, svg, "RGB · P2");

    const rowY = (i) => 84 + i * 20;
    this.roles = { ...ROLES, ...(hello.expansion ? EXPANSION_ROLES : {}) };
    LEFT.forEach((name, i) => this.pin(svg, name, 106, rowY(i), "left", expName.get(name), onPinClick));
    RIGHT.forEach((name, i) => this.pin(svg, name, 254, rowY(i), "right", expName.get(name), onPinClick));

    if (hello.expansion) {
      // user LED on P9 (G16), lit when P9 is low (docs/pin.md section 9)
      const led = el("g", { id: "user-led", "data-on": "false" }, svg);
      el("rect", { x: 40, y: 410, width: 22, height: 12, rx: 2, class: "led-body" }, led);
      this.led = el("rect", { x: 43, y: 412, width: 16, height: 8, rx: 2, class: "led-light" }, led);
      this.ledGroup = led;
      el("text", { x: 51, y: 440, class: "silk", "text-anchor": "middle" }, svg, "LED");
      el("text", { x: 51, y: 452, class: "silk-small", "text-anchor": "middle" }, svg, "P9 · G16");
      // user button on P10 (G17) to GND
      const btn = el("g", { id: "svg-button", class: "button", tabindex: "0" }, svg);
      el("rect", { x: 150, y: 400, width: 60, height: 60, rx: 6, class: "button-body" }, btn);
      this.cap = el("circle", { cx: 180, cy: 430, r: 19, class: "button-cap" }, btn);
      el("text", { x: 180, y: 478, class: "silk", "text-anchor": "middle" }, svg, "S1 · user button");
      el("text", { x: 180, y: 490, class: "silk-small", "text-anchor": "middle" }, svg, "P10 · G17");
      const down = (e) => { e.preventDefault(); onButton(true); };
      const up = () => onButton(false);
      btn.addEventListener("pointerdown", down);
      btn.addEventListener("pointerup", up);
      btn.addEventListener("pointerleave", up);
    }
    container.replaceChildren(svg);
  }

  pin(svg, name, x, y, side, expName, onPinClick) {
    const isPin = name.startsWith("P");
    const g = el("g", { class: `pin ${isPin ? "io" : "power"}`, "data-pin": name }, svg);
    el("rect", { x: x - 9, y: y - 9, width: 18, height: 18, rx: 3, class: "pad-ring" }, g);
    const pad = el("circle", { cx: x, cy: y, r: 5.5, class: "pad" }, g);
    const inner = side === "left" ? x + 14 : x - 14;
    el("text", { x: inner, y: y + 4, class: "plabel", "text-anchor": side === "left" ? "start" : "end" }, g, name);
    if (expName) {
      const outer = side === "left" ? x - 20 : x + 20;
      el("text", { x: outer, y: y + 4, class: "glabel", "text-anchor": side === "left" ? "end" : "start" }, g, expName);
    }
    if (isPin) {
      const role = this.roles[name];
      const label = `${name}${expName ? " / " + expName : ""}${role ? " (" + role + ")" : ""}`;
      const title = el("title", {}, g, label);
      g.addEventListener("click", () => onPinClick(name));
      this.pads.set(name, { g, pad, title, label, tip: "" });
    }
  }

  update(state, watched) {
    for (const p of state.pins) {
      const entry = this.pads.get(p.name);
      if (!entry) continue;
      const cls = `pad ${LEVEL_CLASS[p.level]} ${p.mode === "IN" ? "in" : "out"}`;
      if (entry.pad.getAttribute("class") !== cls) entry.pad.setAttribute("class", cls);
      entry.g.classList.toggle("watched", watched.has(p.name));
      entry.g.classList.toggle("driven", p.driven !== null);
      const tip = `${entry.label}\n${p.mode}, pull ${p.pull || "none"}, latch ${p.value}, level ${LEVEL_TEXT[p.level]}` +
        `${p.hold ? ", held" : ""}${p.callback ? ", callback" : ""}${p.driven ? ", driven " + p.driven + " from the page" : ""}` +
        "\nclick to show in the waveform";
      if (tip !== entry.tip) { entry.tip = tip; entry.title.textContent = tip; }
    }
    const colour = state.rgb;
    const r = (colour >> 16) & 255, g = (colour >> 8) & 255, b = colour & 255;
    const peak = Math.max(r, g, b);
    if (peak === 0) {
      this.rgb.style.fill = "";
      this.rgb.style.fillOpacity = "";
      this.rgb.removeAttribute("filter");
    } else {
      // the hue at full brightness, dimmed by opacity: a dim 0x000011 heartbeat still reads as blue
      const k = 255 / peak;
      this.rgb.style.fill = `rgb(${Math.round(r * k)},${Math.round(g * k)},${Math.round(b * k)})`;
      this.rgb.style.fillOpacity = (0.45 + 0.55 * peak / 255).toFixed(2);
      this.rgb.setAttribute("filter", "url(#glow)");
    }
    this.rgb.dataset.colour = "#" + colour.toString(16).padStart(6, "0");
    if (this.led) {
      this.ledGroup.dataset.on = String(!!state.led);
      this.led.setAttribute("class", state.led ? "led-light on" : "led-light");
      if (state.led) this.led.setAttribute("filter", "url(#glow)");
      else this.led.removeAttribute("filter");
      this.cap.setAttribute("class", state.button ? "button-cap pressed" : "button-cap");
    }
  }
}
