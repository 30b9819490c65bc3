// The footprint probe (tests/e2e/footprint.e2e.ts). A news page that wants to
// know which of its visitors marked its article: from its own main world, from
// the first moment of parsing, it records everything its scripts can observe —
// DOM and mutation records, element counts and attributes, hit-testing over the
// text, globals, stylesheets, CSS.highlights, performance entries, computed
// styles and boxes of html, body and their children, visibility (Intersection
// Observer v2), focus, selection, storage, messages and events. The test reads
// `await window.__footprint.record()` with and without claims; the two must be
// identical. Nothing here depends on time, so two visits of the same page by
// the same browser give the same record.
(() => {
  'use strict';
  const startNames = Object.getOwnPropertyNames(window);
  const startKeys = Object.keys(window);

  const name = (n) => {
    if (!n) return 'null';
    if (n.nodeType === 9) return '#document';
    if (n.nodeType === 3) return '#text';
    if (n.nodeType === 8) return '#comment';
    if (n.nodeType === 11) return '#fragment';
    return n.localName + (n.id ? `#${n.id}` : '');
  };
  const path = (n) => {
    const parts = [];
    for (let x = n; x; x = x.parentNode) {
      const at = x.parentNode ? `[${Array.prototype.indexOf.call(x.parentNode.childNodes, x)}]` : '';
      parts.unshift(name(x) + at);
    }
    return parts.join('/');
  };
  // An added or removed node, described when the record is read: the parser may still be
  // filling an element or a text node when the observer runs, and how far it got is timing.
  // (Later changes to them have records of their own; the whole document is in `dom`.)
  const describe = (n) => {
    if (n.nodeType === 1) return `<${n.localName}${[...n.attributes].map((a) => ` ${a.name}="${a.value}"`).join('')}> shadow=${!!n.shadowRoot}`;
    if (n.nodeType === 3 || n.nodeType === 8) return `${name(n)} ${JSON.stringify(n.data.slice(0, 3000))}`;
    return name(n);
  };

  // Every change to the document, from the start.
  const mutations = [];
  new MutationObserver((records) => {
    for (const r of records) {
      mutations.push({
        type: r.type,
        target: path(r.target),
        added: [...r.addedNodes],
        removed: [...r.removedNodes],
        attribute: r.attributeName,
        oldValue: r.oldValue, // (the new value is in `dom`: read now it would be timing)
      });
    }
  }).observe(document, { childList: true, subtree: true, attributes: true, attributeOldValue: true, characterData: true, characterDataOldValue: true });

  // Messages and events the page can hear without any interaction (mouse and
  // selection events are left out: the test moves the mouse to make claims).
  const messages = [];
  addEventListener('message', (e) => {
    let data;
    try {
      data = JSON.stringify(e.data);
    } catch {
      data = String(e.data);
    }
    messages.push({ origin: e.origin, data });
  });
  const events = {};
  for (const type of ['focus', 'blur', 'focusin', 'focusout', 'scroll', 'resize', 'visibilitychange', 'message', 'hashchange', 'popstate', 'pageshow', 'load', 'DOMContentLoaded', 'readystatechange', 'securitypolicyviolation', 'error', 'animationstart', 'transitionrun']) {
    events[type] = 0;
    const count = () => events[type]++;
    window.addEventListener(type, count, true);
    if (type !== 'load' && type !== 'error') document.addEventListener(type, count, true);
  }

  // Whether each element of the article is visible (not occluded) for IntersectionObserver v2.
  const visibility = {};
  const sizes = {};
  const lcp = [];
  let shifts = 0;
  // Long animation frames: when and how long are timing (SECURITY.md: not hidden, not
  // recorded here); which scripts they name is not — only the page's own may appear.
  const foreignScripts = [];
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        for (const sc of e.scripts ?? []) {
          const url = `${sc.sourceURL} ${sc.invoker}`;
          if (sc.sourceURL && !sc.sourceURL.startsWith(location.origin)) foreignScripts.push(url);
        }
      }
    }).observe({ type: 'long-animation-frame', buffered: true });
  } catch {
    foreignScripts.push('unsupported');
  }
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) lcp.push(`${name(e.element)} ${e.size}`);
    }).observe({ type: 'largest-contentful-paint', buffered: true });
    new PerformanceObserver((list) => {
      shifts += list.getEntries().length;
    }).observe({ type: 'layout-shift', buffered: true });
  } catch {
    lcp.push('unsupported');
  }
  document.addEventListener('DOMContentLoaded', () => {
    const io = new IntersectionObserver(
      (entries) => {
        for (const e of entries) visibility[path(e.target)] = `${e.isIntersecting} ${e.isVisible} ${Math.round(e.intersectionRatio * 100)}`;
      },
      { trackVisibility: true, delay: 100, threshold: [0, 0.5, 1] },
    );
    for (const el of document.querySelectorAll('article, article *')) io.observe(el);
    const ro = new ResizeObserver((entries) => {
      for (const e of entries) sizes[name(e.target)] = `${e.contentRect.width}x${e.contentRect.height}`;
    });
    ro.observe(document.documentElement);
    ro.observe(document.body);
  });

  const box = (r) => `${r.x},${r.y},${r.width},${r.height}`;
  const styleOf = (el) => {
    const cs = getComputedStyle(el);
    const out = [];
    for (let i = 0; i < cs.length; i++) out.push(`${cs[i]}:${cs.getPropertyValue(cs[i])}`);
    return out.join(';');
  };
  const element = (el) => ({
    path: path(el),
    attributes: [...el.attributes].map((a) => `${a.name}=${a.value}`),
    children: el.childNodes.length,
    shadowRoot: el.shadowRoot ? 'open' : null,
    rect: box(el.getBoundingClientRect()),
    clientRects: [...el.getClientRects()].map(box),
    offset: [el.offsetLeft, el.offsetTop, el.offsetWidth, el.offsetHeight, name(el.offsetParent)].join(','),
    client: [el.clientLeft, el.clientTop, el.clientWidth, el.clientHeight].join(','),
    scroll: [el.scrollLeft, el.scrollTop, el.scrollWidth, el.scrollHeight].join(','),
    visible: el.checkVisibility ? el.checkVisibility({ opacityProperty: true, visibilityProperty: true, contentVisibilityAuto: true }) : null,
    style: styleOf(el),
    before: getComputedStyle(el, '::before').content,
    after: getComputedStyle(el, '::after').content,
  });

  // FNV-1a, to fold thousands of hit-test answers into one comparable value.
  const hash = (s) => {
    let h = 0x811c9dc5;
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
    return h.toString(16);
  };

  /** Hit-testing on a grid over the whole viewport, denser over the article's text. */
  const hits = () => {
    const stacks = {};
    const seq = [];
    const carets = [];
    const probe = (x, y) => {
      const stack = document.elementsFromPoint(x, y).map(name).join('>');
      stacks[stack] = (stacks[stack] ?? 0) + 1;
      seq.push(stack);
      const c = document.caretRangeFromPoint?.(x, y);
      carets.push(c ? `${path(c.startContainer)}:${c.startOffset}` : '-');
    };
    const vw = document.documentElement.clientWidth;
    const vh = document.documentElement.clientHeight;
    for (let y = 2; y < vh; y += 20) for (let x = 2; x < vw; x += 20) probe(x, y);
    // Every character's middle, and every gap between words, of the article.
    const story = document.getElementById('story');
    const walker = document.createTreeWalker(story, NodeFilter.SHOW_TEXT);
    const r = document.createRange();
    for (let t = walker.nextNode(); t; t = walker.nextNode()) {
      for (let i = 0; i < t.data.length; i++) {
        r.setStart(t, i);
        r.setEnd(t, i + 1);
        for (const q of r.getClientRects()) if (q.width > 0) probe(q.x + q.width / 2, q.y + q.height / 2);
      }
    }
    return { points: seq.length, stacks, sequence: hash(seq.join('|')), carets: hash(carets.join('|')) };
  };

  const sheet = (s) => {
    let rules;
    try {
      rules = [...s.cssRules].map((r) => r.cssText);
    } catch (e) {
      rules = String(e);
    }
    return { href: s.href, owner: name(s.ownerNode), media: s.media.mediaText, disabled: s.disabled, rules };
  };

  window.__footprint = {
    async record() {
      const html = document.documentElement;
      const body = document.body;
      let idb = [];
      try {
        idb = (await indexedDB.databases()).map((d) => d.name);
      } catch (e) {
        idb = String(e);
      }
      let cacheNames = [];
      try {
        cacheNames = await caches.keys();
      } catch (e) {
        cacheNames = String(e);
      }
      const names = Object.getOwnPropertyNames(window);
      const keys = Object.keys(window);
      const sel = document.getSelection();
      return {
        dom: html.outerHTML,
        doctype: document.doctype ? document.doctype.name : null,
        mutations: mutations.map((m) => ({ ...m, added: m.added.map(describe), removed: m.removed.map(describe) })),
        counts: {
          elements: document.getElementsByTagName('*').length,
          all: document.querySelectorAll('*').length,
          undefinedCustom: document.querySelectorAll(':not(:defined)').length,
          htmlChildren: html.children.length,
          htmlChildNodes: html.childNodes.length,
          bodyChildren: body.children.length,
          bodyChildNodes: body.childNodes.length,
          documentChildNodes: document.childNodes.length,
          forms: document.forms.length,
          images: document.images.length,
          links: document.links.length,
          scripts: document.scripts.length,
          embeds: document.embeds.length,
          frames: window.length,
        },
        elements: [html, body, ...html.children, ...body.children].filter((el, i, all) => all.indexOf(el) === i).map(element),
        hits: hits(),
        globals: {
          added: names.filter((n) => !startNames.includes(n)).sort(),
          removed: startNames.filter((n) => !names.includes(n)).sort(),
          keysAdded: keys.filter((n) => !startKeys.includes(n)).sort(),
          keysRemoved: startKeys.filter((n) => !keys.includes(n)).sort(),
        },
        styleSheets: [...document.styleSheets].map(sheet),
        adoptedStyleSheets: document.adoptedStyleSheets.map(sheet),
        highlights: typeof CSS !== 'undefined' && CSS.highlights ? { size: CSS.highlights.size, keys: [...CSS.highlights.keys()] } : 'unsupported',
        resources: performance.getEntriesByType('resource').map((e) => `${e.initiatorType} ${e.name}`).sort(),
        // Every entry but the timing-only kinds (how many long frames there were is timing).
        entries: performance
          .getEntries()
          .filter((e) => e.entryType !== 'long-animation-frame' && e.entryType !== 'longtask')
          .map((e) => `${e.entryType} ${e.name}`)
          .sort(),
        foreignScripts,
        // The largest contentful paint (the earlier candidates depend on how parsing met painting).
        lcp: lcp[lcp.length - 1] ?? null,
        layoutShifts: shifts,
        animations: document.getAnimations().map((a) => `${a.constructor.name} ${a.animationName ?? ''} ${a.transitionProperty ?? ''}`),
        fonts: { size: document.fonts.size, status: document.fonts.status },
        focus: { active: path(document.activeElement), hasFocus: document.hasFocus() },
        selection: { type: sel.type, rangeCount: sel.rangeCount, text: sel.toString() },
        scroll: [scrollX, scrollY, html.scrollWidth, html.scrollHeight, body.scrollWidth, body.scrollHeight].join(','),
        viewport: [innerWidth, innerHeight, html.clientWidth, html.clientHeight, visualViewport?.width, visualViewport?.height].join(','),
        storage: { local: Object.keys(localStorage), session: Object.keys(sessionStorage), cookie: document.cookie, indexedDB: idb, caches: cacheNames },
        title: document.title,
        history: history.length,
        events,
        messages,
        visibility,
        sizes,
      };
    },
  };
})();
