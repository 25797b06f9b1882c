// Host page of the local playground: a Sheets-like frame with the add-on menu, a live view of
// the target sheet and the sidebar (dist/Sidebar.html, unchanged) in a 300 px iframe.
// Every sheet-derived string goes in through textContent.
(function () {
  'use strict';
  var ROW_H = 22;
  var POLL_MS = 1000;
  var BUFFER_ROWS = 20;

  var $ = function (id) { return document.getElementById(id); };
  var grid = $('grid');
  var inner = $('grid-inner');
  var head = $('grid-head');
  var body = $('grid-body');
  var info = null;
  var lastGrid = null;
  var inFlight = false;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function getJson(url) {
    return fetch(url, { cache: 'no-store' }).then(function (r) {
      if (!r.ok) throw new Error(url + ': HTTP ' + r.status);
      return r.json();
    });
  }

  function postJson(url, payload) {
    return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) })
      .then(function (r) { return r.json(); });
  }

  function columnLetter(n) {
    var s = '';
    while (n > 0) { var m = (n - 1) % 26; s = String.fromCharCode(65 + m) + s; n = Math.floor((n - 1) / 26); }
    return s;
  }

  // ---- grid ---------------------------------------------------------------------------------

  function visibleWindow() {
    var headerH = 2 * ROW_H;
    var first = Math.max(0, Math.floor((grid.scrollTop - headerH) / ROW_H) - BUFFER_ROWS);
    var count = Math.ceil(grid.clientHeight / ROW_H) + 2 * BUFFER_ROWS;
    return { offset: first, limit: count };
  }

  function refreshGrid() {
    if (inFlight) return Promise.resolve();
    inFlight = true;
    var w = visibleWindow();
    return getJson('/api/grid?offset=' + w.offset + '&limit=' + w.limit)
      .then(renderGrid)
      .catch(function (e) { $('grid-summary').textContent = 'Grid unavailable: ' + e.message; })
      .then(function () { inFlight = false; });
  }

  function renderGrid(g) {
    lastGrid = g;
    $('grid-title').textContent = g.sheetName;
    $('doc-name').textContent = g.spreadsheetName;
    var summary = $('grid-summary');
    summary.textContent = '';
    var cols = el('span', null, g.columnCount);
    cols.setAttribute('data-testid', 'grid-columns');
    summary.appendChild(cols);
    summary.appendChild(document.createTextNode(' columns · ' + Math.max(0, g.lastRow - 1).toLocaleString('en-US') + ' data rows'));
    var v3 = {};
    (info && info.newColumns || []).forEach(function (n) { v3[n] = true; });
    var width = 46 + 120 * g.columnCount;
    inner.style.width = width + 'px';
    inner.style.height = (2 * ROW_H + Math.max(0, g.lastRow - 1) * ROW_H) + 'px';

    head.textContent = '';
    var letters = el('div', 'row letters');
    letters.appendChild(el('div', 'cell num', ''));
    var headerRow = el('div', 'row header-row');
    headerRow.setAttribute('data-testid', 'grid-header');
    headerRow.appendChild(el('div', 'cell num', '1'));
    for (var c = 0; c < g.columnCount; c++) {
      var name = g.header[c] === undefined ? '' : g.header[c];
      var isNew = Object.prototype.hasOwnProperty.call(v3, name);
      letters.appendChild(el('div', 'cell' + (isNew ? ' v3' : ''), columnLetter(c + 1)));
      var h = el('div', 'cell' + (isNew ? ' v3' : ''), name);
      h.title = name;
      headerRow.appendChild(h);
    }
    head.appendChild(letters);
    head.appendChild(headerRow);

    body.textContent = '';
    for (var i = 0; i < g.rows.length; i++) {
      var rowNo = g.offset + i + 2;
      var row = el('div', 'row');
      row.style.top = ((g.offset + i) * ROW_H) + 'px';
      row.appendChild(el('div', 'cell num', rowNo));
      var values = g.rows[i];
      for (var k = 0; k < g.columnCount; k++) {
        var v = values[k] === undefined ? '' : values[k];
        var cell = el('div', 'cell' + (Object.prototype.hasOwnProperty.call(v3, g.header[k]) ? ' v3' : ''), v);
        row.appendChild(cell);
      }
      body.appendChild(row);
    }
    var firstShown = g.rows.length ? g.offset + 2 : 0;
    $('grid-range').textContent = g.rows.length ? 'showing rows ' + firstShown + '–' + (g.offset + g.rows.length + 1) : '';
  }

  var scrollTimer = null;
  grid.addEventListener('scroll', function () {
    if (scrollTimer) clearTimeout(scrollTimer);
    scrollTimer = setTimeout(refreshGrid, 60);
  });

  // ---- Drive strip and environment ----------------------------------------------------------

  function refreshState() {
    return getJson('/api/state').then(function (s) {
      var strip = $('drive-files');
      strip.textContent = '';
      s.files.forEach(function (f) {
        var span = el('span', 'file' + (f.trashed ? ' trashed' : ''), f.name);
        span.title = f.id;
        strip.appendChild(span);
      });
      $('env').textContent = 'emulated clock ' + new Date(s.clock).toISOString().replace('T', ' ').slice(0, 16) + ' UTC · ' + s.user + ' · ' + s.executions + ' executions';
    }).catch(function () {});
  }

  // ---- menu ---------------------------------------------------------------------------------

  var extButton = $('ext-button');
  var extMenu = $('ext-menu');
  function setMenuOpen(open) {
    extMenu.hidden = !open;
    extButton.setAttribute('aria-expanded', open ? 'true' : 'false');
    if (open) { var first = extMenu.querySelector('[role="menuitem"]'); if (first) first.focus(); }
  }
  extButton.addEventListener('click', function () { setMenuOpen(extMenu.hidden); });
  document.addEventListener('click', function (ev) { if (!extMenu.hidden && !extMenu.contains(ev.target) && ev.target !== extButton) setMenuOpen(false); });
  document.addEventListener('keydown', function (ev) { if (ev.key === 'Escape' && !extMenu.hidden) { setMenuOpen(false); extButton.focus(); } });

  function renderMenu() {
    var box = $('menu-items');
    box.textContent = '';
    if (info.menuError) { box.appendChild(el('div', 'menu-error', 'onOpen failed: ' + info.menuError)); return; }
    if (!info.menu) { box.appendChild(el('div', 'menu-error', 'onOpen added no menu.')); return; }
    $('addon-name').textContent = info.menu.title;
    info.menu.items.forEach(function (item) {
      var b = el('button', null, item.caption);
      b.type = 'button';
      b.setAttribute('role', 'menuitem');
      b.setAttribute('data-fn', item.functionName);
      b.addEventListener('click', function () { setMenuOpen(false); runMenuItem(item, []); });
      box.appendChild(b);
    });
  }

  // Menu handlers talk through Ui dialogs. The page cannot pause a server execution, so a
  // dialog that asks a question is answered by running the handler again with the answers
  // given so far (the first run sees the question dismissed, as if the user closed it).
  function runMenuItem(item, answers) {
    return postJson('/api/menu', { fn: item.functionName, answers: answers }).then(function (res) {
      if (res.error) return showDialog('Error', res.error.message, [{ label: 'OK', primary: true }]);
      if (res.sidebars && res.sidebars.length) openSidebar(res.sidebars[res.sidebars.length - 1]);
      var alerts = res.alerts || [];
      var asked = 0;
      var chain = Promise.resolve(false);
      for (var i = 0; i < alerts.length; i++) {
        var a = alerts[i];
        var question = /YES_NO|OK_CANCEL/.test(a.buttons || '');
        if (question && asked < answers.length) { asked++; continue; }
        if (!question && asked < answers.length) continue; // shown by an earlier run
        if (question) {
          chain = chain.then(askQuestion.bind(null, item, answers, a));
          break;
        }
        chain = chain.then(showDialog.bind(null, a.title || info.menu.title, a.prompt, [{ label: 'OK', value: 'OK', primary: true }]));
      }
      return chain.then(function () { refreshGrid(); refreshState(); });
    });
  }

  function askQuestion(item, answers, a) {
    var yesNo = /YES_NO/.test(a.buttons);
    var yes = yesNo ? 'YES' : 'OK';
    var no = yesNo ? 'NO' : 'CANCEL';
    return showDialog(a.title || info.menu.title, a.prompt, [
      { label: yesNo ? 'No' : 'Cancel', value: no },
      { label: yesNo ? 'Yes' : 'OK', value: yes, primary: true },
    ]).then(function (answer) { return runMenuItem(item, answers.concat([answer])); });
  }

  function showDialog(title, text, buttons) {
    return new Promise(function (resolve) {
      var backdrop = $('dialog-backdrop');
      $('dialog-title').textContent = title;
      $('dialog-body').textContent = text;
      var bar = $('dialog-buttons');
      bar.textContent = '';
      buttons.forEach(function (b) {
        var btn = el('button', b.primary ? 'primary' : null, b.label);
        btn.type = 'button';
        btn.addEventListener('click', function () { backdrop.hidden = true; resolve(b.value); });
        bar.appendChild(btn);
      });
      backdrop.hidden = false;
      var last = bar.lastChild;
      if (last) last.focus();
    });
  }

  // ---- sidebar ------------------------------------------------------------------------------

  function openSidebar(sb) {
    var panel = $('sidebar-panel');
    $('sidebar-title').textContent = sb && sb.title ? sb.title : 'Sheet Migrator';
    panel.hidden = false;
    $('sidebar-frame').src = '/sidebar?t=' + Date.now();
  }
  $('sidebar-close').addEventListener('click', function () { $('sidebar-panel').hidden = true; });
  window.addEventListener('message', function (ev) {
    if (ev.origin !== window.location.origin) return;
    if (ev.data && ev.data.type === 'sheet-migrator:close') $('sidebar-panel').hidden = true;
  });

  // ---- start --------------------------------------------------------------------------------

  getJson('/api/info').then(function (i) {
    info = i;
    renderMenu();
    return refreshGrid();
  }).catch(function (e) { $('doc-name').textContent = 'Playground error: ' + e.message; });
  refreshState();
  setInterval(function () { if (info) { refreshGrid(); refreshState(); } }, POLL_MS);
})();
