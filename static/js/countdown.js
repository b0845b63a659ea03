// Keeps the dashboard's "in 2 hours, 14 minutes" until each embargo current while the page stays open.
(function () {
  "use strict";
  function words(ms) {
    if (ms <= 0) { return "now"; }
    var minutes = Math.floor(ms / 60000), days = Math.floor(minutes / 1440), hours = Math.floor((minutes % 1440) / 60);
    var parts = [];
    if (days) { parts.push(days + (days === 1 ? " day" : " days")); }
    if (hours) { parts.push(hours + (hours === 1 ? " hour" : " hours")); }
    if (!days) { var rest = minutes % 60; parts.push(rest + (rest === 1 ? " minute" : " minutes")); }
    return "in " + parts.join(", ");
  }
  function tick() {
    document.querySelectorAll("[data-countdown]").forEach(function (node) {
      node.textContent = words(Date.parse(node.getAttribute("data-countdown")) - Date.now());
    });
  }
  document.addEventListener("DOMContentLoaded", function () { tick(); window.setInterval(tick, 30000); });
})();
