// Text in an open and a closed shadow root, and frames of three kinds.
(() => {
  const open = document.getElementById('open-host').attachShadow({ mode: 'open' });
  open.innerHTML = '<p>Text inside an open shadow root: the committee letter was never answered.</p>';
  const closed = document.getElementById('closed-host').attachShadow({ mode: 'closed' });
  closed.innerHTML = '<p>Text inside a closed shadow root of the page itself.</p>';
  window.__spyOwn?.(open);
  // A cross-origin frame: the same server under another host name.
  const cross = document.getElementById('cross');
  cross.src = location.href.replace('127.0.0.1', 'localhost').replace('shadow-iframes.html', 'frame.html');
})();
