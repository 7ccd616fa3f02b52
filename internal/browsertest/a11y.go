package browsertest

import "github.com/chromedp/chromedp"

// a11yScript checks, in the page, what WCAG 2.2 AA asks that a script can see: every
// input has a label, there is one h1 and headings never skip a level, ids are unique,
// images have alternative text, SVG charts have a name, and every piece of visible text
// has a contrast of at least 4.5:1 with what is behind it (large text 3:1).
const a11yScript = `(() => {
  const problems = [];
  const short = s => (s || "").trim().replace(/\s+/g, " ").slice(0, 50);
  for (const el of document.querySelectorAll("input, select, textarea")) {
    if (["hidden", "submit", "button", "reset", "image"].includes(el.type)) continue;
    const labelled = (el.id && document.querySelector('label[for="' + CSS.escape(el.id) + '"]')) ||
      el.closest("label") || el.getAttribute("aria-label") || el.getAttribute("aria-labelledby");
    if (!labelled) problems.push("input without a label: " + (el.name || el.id || el.outerHTML.slice(0, 60)));
  }
  const seen = new Set();
  for (const el of document.querySelectorAll("[id]")) {
    if (seen.has(el.id)) problems.push("duplicate id: " + el.id);
    seen.add(el.id);
  }
  const h1s = document.querySelectorAll("h1").length;
  if (h1s !== 1) problems.push(h1s + " h1 headings, want 1");
  // Going down, no level is skipped. The error summary's h2 may stand above the h1, as
  // the GOV.UK Design System places it, so counting starts as if under an h1.
  let last = 1;
  for (const h of document.querySelectorAll("h1, h2, h3, h4, h5, h6")) {
    const level = +h.tagName[1];
    if (level > last + 1) problems.push("heading skips from h" + last + " to " + h.tagName + ": " + short(h.textContent));
    last = level;
  }
  for (const img of document.querySelectorAll("img")) if (!img.hasAttribute("alt")) problems.push("image without alt: " + img.src);
  for (const svg of document.querySelectorAll("svg[role=img]"))
    if (!svg.getAttribute("aria-labelledby") && !svg.getAttribute("aria-label") && !svg.querySelector("title")) problems.push("chart without a name");
  for (const b of document.querySelectorAll("button, a[href]"))
    if (!short(b.textContent) && !b.getAttribute("aria-label")) problems.push("button or link without text: " + b.outerHTML.slice(0, 60));
  const rgb = c => (c.match(/[\d.]+/g) || [0, 0, 0]).map(Number);
  const lum = c => { const [r, g, b] = rgb(c).slice(0, 3).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const opaque = c => { const v = rgb(c); return c !== "transparent" && (v.length < 4 || v[3] > 0); };
  const behind = el => { for (; el; el = el.parentElement) { const c = getComputedStyle(el).backgroundColor; if (opaque(c)) return c; } return "rgb(255, 255, 255)"; };
  for (const el of document.querySelectorAll("body *")) {
    if (![...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) continue;
    const cs = getComputedStyle(el);
    if (cs.display === "none" || cs.visibility === "hidden" || el.closest(".visually-hidden, .skip")) continue;
    const a = lum(cs.color), b = lum(behind(el));
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const large = parseFloat(cs.fontSize) >= 24 || (parseFloat(cs.fontSize) >= 18.66 && +cs.fontWeight >= 700);
    if (ratio < (large ? 3 : 4.5)) problems.push("contrast " + ratio.toFixed(2) + ":1 of " + el.tagName.toLowerCase() + " «" + short(el.textContent) + "» (" + cs.color + " on " + behind(el) + ")");
  }
  return problems;
})()`

// Accessibility returns what the page fails of the checks above.
func (tab *Tab) Accessibility() []string {
	tab.T.Helper()
	return run(tab, "check accessibility", chromedp.Evaluate[[]string](a11yScript))
}
