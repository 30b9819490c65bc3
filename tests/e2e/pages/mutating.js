// A page that never stops changing: a ticker rewrites text every frame, nodes
// are added and removed every few milliseconds, and attributes flip on the
// article itself. The claim paragraph's text stays the same.
(() => {
  const ticker = document.getElementById('ticker');
  const article = document.querySelector('article');
  let i = 0;
  const frame = () => {
    ticker.textContent = `Live: ${i++} ${Date.now()}`;
    article.dataset.tick = String(i);
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
  setInterval(() => {
    const p = document.createElement('p');
    p.className = 'ephemeral';
    p.textContent = `Breaking ${i}`;
    window.__spyOwn?.(p);
    article.insertBefore(p, article.firstChild);
    const old = article.querySelectorAll('.ephemeral');
    if (old.length > 5) old[old.length - 1].remove();
  }, 5);
})();
