// The document review screen: while a thumbnail is being made, look again every two seconds and swap in the
// files panel once it says something else (the image, or why it failed). Stops after two minutes.
(function () {
  "use strict";
  var EVERY = 2000, GIVE_UP_AFTER = 120000;
  function pending(root) { return root.querySelector("[data-thumbnail-state='pending']") !== null; }
  function look(started) {
    var panel = document.getElementById("document-files");
    if (!panel || !pending(panel) || Date.now() - started > GIVE_UP_AFTER) { return; }
    window.fetch(window.location.href, {credentials: "same-origin", headers: {"Accept": "text/html"}})
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(function (html) {
        var fresh = html && new DOMParser().parseFromString(html, "text/html").getElementById("document-files");
        if (fresh && !pending(fresh)) {
          panel.querySelector("ul").replaceWith(document.importNode(fresh.querySelector("ul"), true));
        } else {
          window.setTimeout(function () { look(started); }, EVERY);
        }
      })
      .catch(function () { window.setTimeout(function () { look(started); }, EVERY); });
  }
  document.addEventListener("DOMContentLoaded", function () { window.setTimeout(function () { look(Date.now()); }, EVERY); });
})();
