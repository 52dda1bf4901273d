// Rendering helpers of the dashboard: elements from data, a paged table, downloads. No API rule.

export const $ = (id) => document.getElementById(id);

/** An element with text or children. */
export function el(tag, content = '', className = '') {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (Array.isArray(content)) node.append(...content);
  else node.textContent = content;
  return node;
}

/** A table body showing `items` a page at a time (`render(item)` gives a row), so that thousands
 * of findings never put thousands of rows in the page. */
export class PagedTable {
  constructor({ body, prev, next, text, pageSize = 100, render }) {
    Object.assign(this, { body, prev, next, text, pageSize, render, items: [], page: 0 });
    prev.addEventListener('click', () => this.show(this.page - 1));
    next.addEventListener('click', () => this.show(this.page + 1));
  }

  set(items) {
    this.items = items;
    this.show(0);
  }

  show(page) {
    const pages = Math.max(1, Math.ceil(this.items.length / this.pageSize));
    this.page = Math.min(Math.max(page, 0), pages - 1);
    const start = this.page * this.pageSize;
    this.body.replaceChildren(...this.items.slice(start, start + this.pageSize).map(this.render));
    this.text.textContent = `page ${this.page + 1} of ${pages}`;
    this.prev.disabled = this.page === 0;
    this.next.disabled = this.page >= pages - 1;
  }
}

/** Offers `text` as a file download named `name`. */
export function download(name, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = el('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Replaces a select's options (after the first, "all") with `values`, keeping the choice. */
export function options(select, values) {
  const chosen = select.value;
  select.replaceChildren(select.options[0], ...values.map(([value, label]) => {
    const o = el('option', label);
    o.value = value;
    return o;
  }));
  select.value = values.some(([v]) => v === chosen) ? chosen : '';
}
