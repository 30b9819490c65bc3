// 50,000 element nodes (plus their text nodes) before the content script runs.
(() => {
  const bulk = document.getElementById('bulk');
  const frag = document.createDocumentFragment();
  let n = 0;
  for (let s = 0; s < 1000; s++) {
    const section = document.createElement('section');
    n++;
    for (let i = 0; i < 26; i++) {
      const p = document.createElement('p');
      const span = document.createElement('span');
      span.textContent = `Row ${s}.${i}: filler text so that the page is long and the text map is big.`;
      p.append(span);
      section.append(p);
      n += 2;
    }
    frag.append(section);
  }
  bulk.append(frag);
  window.__spyOwn?.(bulk);
  document.title = `${document.title} (${document.getElementsByTagName('*').length} elements)`;
})();
