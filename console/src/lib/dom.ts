// Tiny DOM helpers: the console builds its pages from plain elements (no framework), so every control is a
// real <button>, <a>, <input> or <select> and works with the keyboard.

type Child = Node | string | number | null | undefined | false | Child[];
type Props = Record<string, unknown>;

/** Create an element: h('button', {class: 'primary', onclick: fn}, 'Save'). */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props | null = null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2), value as EventListener);
    } else if (key === 'class') {
      el.className = String(value);
    } else if (key === 'style' && typeof value === 'object') {
      Object.assign(el.style, value);
    } else if (key === 'value' || key === 'checked' || key === 'disabled' || key === 'selected') {
      (el as unknown as Record<string, unknown>)[key] = value;
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

/** Append children (nested arrays, strings, numbers; null/false skipped). */
export function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else parent.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replace all children of `parent`. */
export function replace(parent: Node, ...children: Child[]): void {
  while (parent.firstChild) parent.removeChild(parent.firstChild);
  append(parent, children);
}

let fieldCount = 0;

/**
 * A labelled form field: the label names the control (for/id) and the hint describes it
 * (aria-describedby), so screen readers and getByLabel see the label text alone.
 */
export function field(label: string, control: HTMLElement, hint?: string): HTMLElement {
  const id = control.id || `field-${++fieldCount}`;
  control.id = id;
  const hintEl = hint ? h('small', { class: 'hint', id: `${id}-hint` }, hint) : null;
  if (hintEl) control.setAttribute('aria-describedby', hintEl.id);
  return h('div', { class: 'field' }, h('label', { class: 'field-label', for: id }, label), control, hintEl);
}

/** A status badge coloured by entity status. */
export function statusBadge(status: string | undefined): HTMLElement {
  const s = status ?? 'UNKNOWN';
  return h('span', { class: `badge status-${s.toLowerCase()}` }, s);
}

/** An alert box; kind is info, ok, warn or error. */
export function notice(kind: 'info' | 'ok' | 'warn' | 'error', ...children: Child[]): HTMLElement {
  return h('div', { class: `notice notice-${kind}`, role: kind === 'error' ? 'alert' : 'status' }, ...children);
}
