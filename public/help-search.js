// Suggestions while typing in the help search box (ARIA 1.2 combobox).
// Without this file the box is a plain GET form, and it still works.
(function () {
  'use strict';
  var form = document.querySelector('form.help-search[data-suggest]');
  if (!form || !window.fetch) return;
  var input = form.querySelector('input[name="q"]');
  var endpoint = form.getAttribute('data-suggest');
  var list = document.createElement('ul');
  list.id = 'q-sugerencias';
  list.className = 'suggestions';
  list.setAttribute('role', 'listbox');
  list.setAttribute('aria-label', 'Sugerencias');
  list.hidden = true;
  var status = document.createElement('p');
  status.className = 'visually-hidden';
  status.setAttribute('role', 'status');
  form.querySelector('.help-search-field').appendChild(list);
  form.appendChild(status);
  input.setAttribute('role', 'combobox');
  input.setAttribute('aria-autocomplete', 'list');
  input.setAttribute('aria-controls', list.id);
  input.setAttribute('aria-expanded', 'false');

  var items = [];
  var active = -1;
  var timer = 0;
  var inflight = null;
  var lastAsked = '';

  function close() {
    setActive(-1);
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
  }

  function setActive(i) {
    var options = list.querySelectorAll('[role="option"]');
    if (active >= 0 && options[active]) options[active].setAttribute('aria-selected', 'false');
    active = i;
    if (active >= 0 && options[active]) {
      options[active].setAttribute('aria-selected', 'true');
      input.setAttribute('aria-activedescendant', options[active].id);
      options[active].scrollIntoView({ block: 'nearest' });
    } else input.removeAttribute('aria-activedescendant');
  }

  function render(suggestions) {
    items = suggestions;
    list.textContent = '';
    // The option it pointed at is gone (or is another one now).
    input.removeAttribute('aria-activedescendant');
    suggestions.forEach(function (s, i) {
      var li = document.createElement('li');
      li.id = 'q-sugerencia-' + i;
      li.setAttribute('role', 'option');
      li.setAttribute('aria-selected', 'false');
      var title = document.createElement('span');
      title.className = 'suggestion-title';
      title.textContent = s.title;
      var where = document.createElement('span');
      where.className = 'suggestion-system';
      where.textContent = s.system;
      var comma = document.createElement('span');
      comma.className = 'visually-hidden';
      comma.textContent = ', ';
      li.appendChild(title);
      li.appendChild(comma);
      li.appendChild(where);
      li.addEventListener('mousedown', function (e) {
        e.preventDefault(); // keep focus in the box until we navigate
        window.location.href = s.url;
      });
      list.appendChild(li);
    });
    active = -1;
    if (suggestions.length) {
      list.hidden = false;
      input.setAttribute('aria-expanded', 'true');
      status.textContent = suggestions.length === 1 ? '1 sugerencia' : suggestions.length + ' sugerencias';
    } else {
      close();
      status.textContent = '';
    }
  }

  function ask() {
    var q = input.value;
    if (q.trim().length < 2) {
      lastAsked = '';
      return render([]);
    }
    if (q === lastAsked) return;
    lastAsked = q;
    if (inflight) inflight.abort();
    inflight = window.AbortController ? new AbortController() : null;
    fetch(endpoint + '?q=' + encodeURIComponent(q), { credentials: 'same-origin', headers: { Accept: 'application/json' }, signal: inflight ? inflight.signal : undefined })
      .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
      .then(function (data) { if (input.value === q) render(data.suggestions || []); })
      .catch(function () { /* aborted or offline: the form still submits */ });
  }

  input.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(ask, 120);
  });
  input.addEventListener('keydown', function (e) {
    if (list.hidden) {
      if (e.key === 'ArrowDown' && items.length && input.value === lastAsked) {
        e.preventDefault();
        list.hidden = false;
        input.setAttribute('aria-expanded', 'true');
        setActive(0);
      }
      return;
    }
    if (e.key === 'ArrowDown') { e.preventDefault(); setActive((active + 1) % items.length); }
    else if (e.key === 'ArrowUp') { e.preventDefault(); setActive(active <= 0 ? items.length - 1 : active - 1); }
    else if (e.key === 'Escape') { e.preventDefault(); close(); }
    else if (e.key === 'Enter' && active >= 0) { e.preventDefault(); window.location.href = items[active].url; }
  });
  input.addEventListener('blur', function () { setTimeout(close, 150); });
})();
