/**
 * live.js, the console's only script (docs/design/console.md section 1): pages work without
 * it; with it, live progress arrives by Server-Sent Events and uploads show their progress.
 * No framework, no inline handlers: it binds by data- attributes, and writes only text
 * (textContent, progress values), never markup, so an event cannot inject HTML.
 *
 *   <div data-sse="/training/J/events">   EventSource on that URL. Each message's data is JSON
 *       { "text": { "<id>": "..." }, "value": { "<id>": 0.5 }, "append": { "<id>": "line" },
 *         "status": { "<id>": "ok" }, "reload": true, "close": true }
 *     text: sets the element's textContent; value: a <progress> or <meter> value; append: adds a
 *     <li> with that text to a list (at its top if the list has data-newest-first), and hides
 *     what says the list is empty (elements with data-empty-for="<id>"); status: ok, warn or
 *     bad sets the element's status colour (class status-ok/-warn/-bad; any other word is
 *     ignored); reload: reloads the page; close: stops listening. A message with an id (SSE `id:`) is sent back as Last-Event-ID by the
 *     browser's own reconnect (console/http/sse.ts).
 *   <form data-upload="/ingests">          the chosen file is sent with XHR PUT to that URL,
 *     with the form's _csrf as x-csrf-token and the other fields as the query string; progress
 *     in the form's <progress data-progress>, text in [data-status]; a JSON answer
 *     { "location": "/..." } navigates there, { "error": "..." } shows it.
 */
export const LIVE_JS = `'use strict';
(function () {
  var STATUS = ['ok', 'warn', 'bad'];
  function byId(id) { return document.getElementById(id); }
  function apply(msg) {
    var k, el;
    if (msg.text) for (k in msg.text) { el = byId(k); if (el) el.textContent = String(msg.text[k]); }
    if (msg.value) for (k in msg.value) { el = byId(k); if (el && 'value' in el) el.value = Number(msg.value[k]); }
    if (msg.status) for (k in msg.status) {
      el = byId(k);
      if (el && STATUS.indexOf(msg.status[k]) >= 0) {
        el.classList.remove('status-ok', 'status-warn', 'status-bad');
        el.classList.add('status-' + msg.status[k]);
      }
    }
    if (msg.append) for (k in msg.append) {
      el = byId(k);
      if (!el) continue;
      var li = document.createElement('li');
      li.textContent = String(msg.append[k]);
      if (el.hasAttribute('data-newest-first')) el.insertBefore(li, el.firstChild); else el.appendChild(li);
      document.querySelectorAll('[data-empty-for="' + k + '"]').forEach(function (empty) { empty.hidden = true; });
    }
  }
  function listen(node) {
    var url = node.getAttribute('data-sse');
    if (!url || typeof EventSource === 'undefined') return;
    var source = new EventSource(url);
    node.setAttribute('data-live', 'open');
    source.onmessage = function (event) {
      var msg;
      try { msg = JSON.parse(event.data); } catch (e) { return; }
      apply(msg);
      if (msg.reload) { source.close(); window.location.reload(); }
      if (msg.close) { source.close(); node.setAttribute('data-live', 'closed'); }
    };
    source.onerror = function () { node.setAttribute('data-live', 'retrying'); };
  }
  function upload(form) {
    form.addEventListener('submit', function (event) {
      var input = form.querySelector('input[type=file]');
      if (!input || !input.files || input.files.length !== 1 || typeof XMLHttpRequest === 'undefined') return;
      event.preventDefault();
      var file = input.files[0];
      var params = new URLSearchParams();
      var token = '';
      Array.prototype.forEach.call(form.elements, function (field) {
        if (!field.name || field.type === 'file' || field.type === 'submit') return;
        if ((field.type === 'checkbox' || field.type === 'radio') && !field.checked) return;
        if (field.name === '_csrf') token = field.value; else params.append(field.name, field.value);
      });
      params.append('filename', file.name);
      var bar = form.querySelector('progress[data-progress]');
      var status = form.querySelector('[data-status]');
      var buttons = form.querySelectorAll('button, input[type=submit]');
      Array.prototype.forEach.call(buttons, function (b) { b.disabled = true; });
      var xhr = new XMLHttpRequest();
      xhr.open('PUT', form.getAttribute('data-upload') + '?' + params.toString());
      xhr.setRequestHeader('x-csrf-token', token);
      xhr.setRequestHeader('content-type', 'application/octet-stream');
      xhr.setRequestHeader('accept', 'application/json');
      xhr.upload.onprogress = function (e) {
        if (!e.lengthComputable) return;
        if (bar) { bar.max = e.total; bar.value = e.loaded; }
        if (status) status.textContent = Math.floor(100 * e.loaded / e.total) + '%';
      };
      xhr.onload = function () {
        var answer = {};
        try { answer = JSON.parse(xhr.responseText); } catch (e) { answer = { error: xhr.status + ' ' + xhr.statusText }; }
        if (answer.location) { window.location.assign(answer.location); return; }
        if (status) status.textContent = answer.error || String(xhr.status);
        Array.prototype.forEach.call(buttons, function (b) { b.disabled = false; });
      };
      xhr.onerror = function () {
        if (status) status.textContent = 'network error';
        Array.prototype.forEach.call(buttons, function (b) { b.disabled = false; });
      };
      xhr.send(file);
    });
  }
  function start() {
    Array.prototype.forEach.call(document.querySelectorAll('[data-sse]'), listen);
    Array.prototype.forEach.call(document.querySelectorAll('form[data-upload]'), upload);
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start); else start();
})();
`;
