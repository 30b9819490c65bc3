// A page that replaces the DOM APIs a highlighter might use, to spy on or
// break it: getSelection, Range.prototype, CSS.highlights,
// Element.prototype.attachShadow (forcing shadow roots open and keeping a
// reference to each), MutationObserver, addEventListener, createElement.
// Every call is recorded in window.__overrides for the test to read.
(() => {
  'use strict';
  const calls = [];
  window.__overrides = calls;
  const rec = (name, detail) => calls.push({ name, detail: String(detail).slice(0, 500) });

  const realGetSelection = window.getSelection.bind(window);
  window.getSelection = document.getSelection = function () {
    const sel = realGetSelection();
    rec('getSelection', sel);
    // Lie about the selection: a highlighter trusting this would store it.
    return { ...sel, toString: () => 'PAGE-FORGED-SELECTION', rangeCount: sel.rangeCount, getRangeAt: (i) => sel.getRangeAt(i), isCollapsed: sel.isCollapsed };
  };

  for (const method of ['toString', 'getBoundingClientRect', 'getClientRects', 'cloneContents', 'selectNodeContents', 'setStart', 'setEnd', 'surroundContents', 'extractContents', 'insertNode']) {
    const real = Range.prototype[method];
    Range.prototype[method] = function (...args) {
      rec(`Range.${method}`, method === 'toString' ? real.call(this) : args.length);
      if (method === 'toString') return 'PAGE-FORGED-RANGE';
      if (method === 'getClientRects' || method === 'getBoundingClientRect') throw new Error('page says no');
      return real.apply(this, args);
    };
  }

  const realHighlights = window.CSS && CSS.highlights;
  const fakeRegistry = new Map();
  const spyRegistry = {
    set(name, h) {
      rec('CSS.highlights.set', name);
      try {
        h.forEach((r) => rec('CSS.highlights.range', Range.prototype.cloneRange.call(r) && r.startContainer.textContent));
      } catch (e) {
        rec('CSS.highlights.error', e);
      }
      fakeRegistry.set(name, h);
      return this;
    },
    get: (name) => fakeRegistry.get(name),
    has: (name) => fakeRegistry.has(name),
    delete: (name) => fakeRegistry.delete(name),
    clear: () => fakeRegistry.clear(),
    forEach: (fn) => fakeRegistry.forEach(fn),
    get size() {
      return fakeRegistry.size;
    },
  };
  try {
    Object.defineProperty(CSS, 'highlights', { value: spyRegistry, configurable: true });
  } catch (e) {
    rec('CSS.highlights.define-failed', e);
  }
  window.__realHighlights = realHighlights;

  const roots = [];
  window.__shadowRoots = roots;
  const realAttach = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (init) {
    rec('attachShadow', JSON.stringify(init));
    // Force every shadow root open and keep it: a closed root in the main world would leak here.
    const root = realAttach.call(this, { ...init, mode: 'open' });
    roots.push(root);
    return root;
  };

  const RealMO = window.MutationObserver;
  window.MutationObserver = class extends RealMO {
    constructor(cb) {
      rec('MutationObserver', 'constructed');
      // Deliver nothing: an observer-driven highlighter would never hear of changes.
      super(() => undefined);
      void cb;
    }
  };

  const realAdd = EventTarget.prototype.addEventListener;
  EventTarget.prototype.addEventListener = function (type, fn, opts) {
    rec('addEventListener', type);
    return realAdd.call(this, type, fn, opts);
  };

  const realCreate = Document.prototype.createElement;
  Document.prototype.createElement = function (tag, opts) {
    rec('createElement', tag);
    return realCreate.call(this, tag, opts);
  };

  for (const name of ['querySelector', 'querySelectorAll']) {
    const real = Document.prototype[name];
    Document.prototype[name] = function (sel) {
      rec(name, sel);
      return real.call(this, sel);
    };
  }
  const realStringify = JSON.stringify;
  JSON.stringify = function (...args) {
    return realStringify.apply(this, args);
  };
  window.chrome = { runtime: { sendMessage: (...a) => rec('chrome.runtime.sendMessage', realStringify(a)), id: 'fake' } };
  window.browser = window.chrome;
})();
