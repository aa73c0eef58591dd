// The help editor's live preview: while the person types, the form is posted
// to the same Vista previa endpoint the button uses (?parcial=1 answers the
// preview alone) and the answer replaces the preview beside the textarea.
// Without this file the "Vista previa" button does the same on request.
(function () {
  'use strict';
  var form = document.querySelector('form[data-live-preview]');
  var target = document.getElementById('vista-previa-contenido');
  if (!form || !target || !window.fetch || !window.URLSearchParams || !window.FormData) return;
  var endpoint = form.getAttribute('data-live-preview');
  var timer = 0;
  var inflight = null;
  var last = '';

  function refresh() {
    var body = new URLSearchParams(new FormData(form)).toString();
    if (body === last) return;
    last = body;
    if (inflight && inflight.abort) inflight.abort();
    inflight = window.AbortController ? new AbortController() : null;
    fetch(endpoint, {
      method: 'POST',
      body: body,
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      signal: inflight ? inflight.signal : undefined,
    })
      .then(function (res) {
        return res.ok ? res.text() : null;
      })
      .then(function (html) {
        // Rendered by the server from escaped Markdown (no raw HTML): the same markup as the reader's page.
        if (html !== null) target.innerHTML = html;
      })
      .catch(function () {
        last = '';
      });
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(refresh, 600);
  }

  form.addEventListener('input', later);
  form.addEventListener('change', later);
  refresh();
})();
