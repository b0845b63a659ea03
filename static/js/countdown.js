// Keeps the dashboard's "in 2 hours, 14 minutes" until each embargo current while the page stays open, and
// brings the newswire's alarms up when their moment comes.
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
  // At a moment an alarm may be raised (ten minutes before an embargo the wire has not accepted, the embargo
  // of a release the website holds), the page asks the server again: the server decides what is alarmed.
  // Once per moment, so a server that does not agree yet is not asked in a loop.
  function alarmDue() {
    var due = null;
    document.querySelectorAll("[data-alarm-at]").forEach(function (node) {
      var at = node.getAttribute("data-alarm-at");
      if (Date.parse(at) <= Date.now() && window.sessionStorage.getItem("wire-alarm-asked") !== at) { due = at; }
    });
    return due;
  }
  function tick() {
    var due = alarmDue();
    if (due) {
      window.sessionStorage.setItem("wire-alarm-asked", due);
      window.location.reload();
      return;
    }
    document.querySelectorAll("[data-countdown]").forEach(function (node) {
      node.textContent = words(Date.parse(node.getAttribute("data-countdown")) - Date.now());
    });
  }
  document.addEventListener("DOMContentLoaded", function () { tick(); window.setInterval(tick, 1000); });
})();
