// google.script stand-in for the local playground. Injected at the top of <head> of the
// unchanged dist/Sidebar.html. Implements the client-side API the sidebar uses:
//   google.script.run[.withSuccessHandler(f)][.withFailureHandler(f)][.withUserObject(o)].anyServerFunction(...args)
// Each call is POSTed to /api/run and runs as one execution of dist/Code.js in the emulator.
(function () {
  'use strict';
  function runner(onSuccess, onFailure, userObject) {
    return new Proxy({}, {
      get: function (_target, name) {
        if (name === 'withSuccessHandler') return function (fn) { return runner(fn, onFailure, userObject); };
        if (name === 'withFailureHandler') return function (fn) { return runner(onSuccess, fn, userObject); };
        if (name === 'withUserObject') return function (obj) { return runner(onSuccess, onFailure, obj); };
        if (typeof name !== 'string' || name === 'then') return undefined;
        return function () {
          var args = Array.prototype.slice.call(arguments);
          fetch('/api/run', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ fn: name, args: args }),
          })
            .then(function (res) { return res.json(); })
            .then(function (body) {
              if (body && body.error) {
                var err = new Error(body.error.message);
                err.name = body.error.name || 'ScriptError';
                fail(err);
              } else if (onSuccess) {
                onSuccess(body ? body.result : null, userObject);
              }
            }, fail);
          function fail(err) {
            // Apps Script does the same when nobody handles a failure.
            if (onFailure) onFailure(err, userObject);
            else console.warn('google.script.run.' + name + ' failed with no failure handler:', err.message);
          }
        };
      },
    });
  }
  function toHost(message) {
    if (window.parent && window.parent !== window) window.parent.postMessage(message, window.location.origin);
  }
  window.google = {
    script: {
      run: runner(null, null, undefined),
      host: {
        origin: window.location.origin,
        close: function () { toHost({ type: 'sheet-migrator:close' }); },
        setHeight: function () {},
        setWidth: function () {},
        editor: { focus: function () { toHost({ type: 'sheet-migrator:focus-editor' }); } },
      },
      url: {
        getLocation: function (cb) { cb({ hash: window.location.hash.slice(1), parameter: {}, parameters: {} }); },
      },
    },
  };
})();
