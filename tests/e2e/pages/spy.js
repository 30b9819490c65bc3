// A hostile page's spy. Included by every page under /hostile/. It tries,
// from the page's main world, to learn what the reader marked in Saqta and to
// make Saqta act: it watches every DOM change, scans attributes, globals,
// open shadow roots, CSS.highlights and storage, and fires synthetic clicks
// and keys at anything it did not add itself. window.__spy.report() returns
// everything it saw, for the E2E test to search for the reader's secrets.
(() => {
  'use strict';
  // The spy keeps the real APIs: overrides.js replaces them after it loads.
  const getSel = Document.prototype.getSelection;
  const rangeRect = Range.prototype.getBoundingClientRect;
  const selectContents = Range.prototype.selectNodeContents;
  let initialGlobals = new Set(Object.getOwnPropertyNames(window));
  const seen = { foreignNow: [], added: [], attributes: [], texts: [], shadow: [], highlights: [], globals: [], storage: [], messages: [], synthetic: 0, errors: [] };
  const own = new WeakSet();
  const mark = (node) => {
    own.add(node);
    if (node.querySelectorAll) node.querySelectorAll('*').forEach((n) => own.add(n));
  };
  window.__spyOwn = mark;
  // Everything the page has when its HTML is parsed is its own; Saqta's
  // content script runs later (document_idle).
  let ready = false;
  document.addEventListener('DOMContentLoaded', () => {
    mark(document.documentElement);
    initialGlobals = new Set(Object.getOwnPropertyNames(window));
    ready = true;
  });

  const describe = (el) => {
    try {
      return {
        tag: el.tagName,
        attrs: el.attributes ? [...el.attributes].map((a) => `${a.name}=${a.value}`) : [],
        text: (el.textContent || '').slice(0, 2000),
        html: (el.outerHTML || '').slice(0, 4000),
        shadowRoot: el.shadowRoot ? el.shadowRoot.innerHTML.slice(0, 4000) : null,
      };
    } catch (e) {
      return { error: String(e) };
    }
  };

  const poke = (el) => {
    // Synthetic input at a foreign element: Saqta must ignore isTrusted=false.
    try {
      const r = el.getBoundingClientRect ? el.getBoundingClientRect() : { left: 0, top: 0, width: 0, height: 0 };
      const opts = { bubbles: true, composed: true, cancelable: true, clientX: r.left + r.width / 2, clientY: r.top + r.height / 2, view: window };
      for (const type of ['pointerdown', 'mousedown', 'pointerup', 'mouseup', 'click', 'dblclick']) {
        el.dispatchEvent(new (type.startsWith('pointer') ? PointerEvent : MouseEvent)(type, opts));
        seen.synthetic++;
      }
      for (const key of ['Enter', ' ', 'h', 's', 'Tab']) {
        el.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, composed: true }));
        seen.synthetic++;
      }
      if (typeof el.click === 'function') el.click();
      if (typeof el.focus === 'function') el.focus();
    } catch (e) {
      seen.errors.push(String(e));
    }
  };

  const watch = new MutationObserver((records) => {
    if (!ready) return;
    for (const r of records) {
      if (r.type === 'childList') {
        r.addedNodes.forEach((n) => {
          if (own.has(n)) return;
          if (n.nodeType === 1) {
            seen.added.push(describe(n));
            poke(n);
          } else if (n.nodeType === 3 && n.parentNode && !own.has(n.parentNode)) {
            seen.texts.push(n.data.slice(0, 2000));
          }
        });
      } else if (r.type === 'attributes' && r.attributeName !== 'data-tick') {
        // Any attribute change the page did not make itself (its only one is data-tick).
        seen.attributes.push(`${r.target.tagName}.${r.attributeName}=${r.target.getAttribute(r.attributeName)}`);
      } else if (r.type === 'characterData' && r.target.parentNode && !own.has(r.target.parentNode)) {
        seen.texts.push(String(r.target.data).slice(0, 2000));
      }
    }
  });
  watch.observe(document, { childList: true, subtree: true, attributes: true, characterData: true });

  // Drive Saqta with what a page can do: select text, fire its shortcut and
  // context-menu keys, post it messages, click where a toolbar would appear.
  const drive = () => {
    try {
      const p = [...document.querySelectorAll('p')].find((x) => (x.textContent || '').trim().length > 40);
      if (p) {
        const range = document.createRange();
        selectContents.call(range, p);
        const sel = getSel.call(document);
        sel.removeAllRanges();
        sel.addRange(range);
        const r = rangeRect.call(range);
        const opts = { bubbles: true, composed: true, clientX: r.right - 2, clientY: r.bottom - 2, view: window };
        p.dispatchEvent(new MouseEvent('mousedown', opts));
        p.dispatchEvent(new MouseEvent('mouseup', opts));
        document.dispatchEvent(new Event('selectionchange'));
        seen.synthetic += 3;
        for (const target of [document, window, document.body, p]) {
          for (const init of [
            { key: 'H', code: 'KeyH', altKey: true, shiftKey: true },
            { key: 'S', code: 'KeyS', altKey: true, shiftKey: true },
            { key: 'Enter', code: 'Enter' },
          ]) {
            target.dispatchEvent(new KeyboardEvent('keydown', { ...init, bubbles: true, composed: true }));
            target.dispatchEvent(new KeyboardEvent('keyup', { ...init, bubbles: true, composed: true }));
            seen.synthetic += 2;
          }
        }
        // Click everywhere near the selection, where a toolbar would sit.
        for (let dx = -200; dx <= 200; dx += 40) {
          for (let dy = -80; dy <= 80; dy += 20) {
            const el = document.elementFromPoint(r.left + r.width / 2 + dx, r.top + dy);
            if (el && !own.has(el)) poke(el);
          }
        }
      }
      for (const msg of [
        { command: 'highlight-selection' },
        { command: 'save-page' },
        { type: 'annotation.create' },
        { source: 'saqta', type: 'highlight' },
      ]) {
        window.postMessage(msg, '*');
        seen.messages.push(msg);
      }
    } catch (e) {
      seen.errors.push(String(e));
    }
  };

  const scan = () => {
    try {
      seen.foreignNow = [...document.querySelectorAll('*')].filter((el) => !own.has(el)).map(describe);
      seen.shadow = [];
      seen.attributes = seen.attributes.filter((a) => !a.startsWith('scan:'));
      seen.highlights = [];
      seen.globals = [];
      seen.storage = [];
      document.querySelectorAll('*').forEach((el) => {
        if (el.shadowRoot) seen.shadow.push(el.shadowRoot.innerHTML.slice(0, 4000));
        for (const a of el.attributes) if (/saqta|claim|highlight|annot/i.test(a.name + a.value)) seen.attributes.push(`scan:${el.tagName}.${a.name}=${a.value}`);
      });
      if (window.CSS && CSS.highlights && typeof CSS.highlights.forEach === 'function') {
        CSS.highlights.forEach((h, name) => {
          const ranges = [];
          try {
            h.forEach((r) => ranges.push(r.toString()));
          } catch (e) {
            ranges.push(String(e));
          }
          seen.highlights.push({ name, ranges });
        });
      }
      for (const name of Object.getOwnPropertyNames(window)) {
        if (initialGlobals.has(name) || name.startsWith('__spy')) continue;
        let value = '';
        try {
          value = JSON.stringify(window[name])?.slice(0, 2000) ?? String(window[name]);
        } catch {
          value = String(window[name]);
        }
        seen.globals.push(`${name}=${value}`);
      }
      for (const store of [localStorage, sessionStorage]) {
        for (let i = 0; i < store.length; i++) seen.storage.push(`${store.key(i)}=${store.getItem(store.key(i))}`);
      }
      seen.storage.push(`cookie=${document.cookie}`);
    } catch (e) {
      seen.errors.push(String(e));
    }
  };

  window.__spy = {
    drive,
    scan,
    report() {
      scan();
      return JSON.parse(JSON.stringify(seen));
    },
  };
  addEventListener('load', () => setTimeout(drive, 50));
  setInterval(scan, 1000);
})();
