/* Plan charts: every <canvas data-chart="ID"> reads the JSON block #ID (written
   by Django's json_script) and draws the measurements with the baseline and
   target as horizontal lines. No inline script (CSP). */
(function () {
  "use strict";
  function draw(canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source || typeof window.Chart === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    var labels = data.labels.length ? data.labels : [""];
    var datasets = [{
      label: "Metingen (" + data.unit + ")",
      data: data.values,
      borderColor: "#0b5394",
      backgroundColor: "#0b5394",
      tension: 0.2,
      pointRadius: 4
    }];
    function flat(value, label, color, dash) {
      return { label: label, data: labels.map(function () { return value; }), borderColor: color,
        backgroundColor: color, borderDash: dash, pointRadius: 0, borderWidth: 2 };
    }
    if (data.baseline !== null) { datasets.push(flat(data.baseline, "Nulmeting", "#b3541e", [6, 3])); }
    if (data.target !== null) { datasets.push(flat(data.target, "Streefwaarde", "#1e6b35", [2, 3])); }
    var options = {
      responsive: true, maintainAspectRatio: false, animation: false,
      plugins: { legend: { position: "bottom" } },
      scales: { y: { beginAtZero: data.unit === "%" } }
    };
    if (data.unit === "%") { options.scales.y.suggestedMax = 100; }
    new window.Chart(canvas, { type: "line", data: { labels: labels, datasets: datasets }, options: options });
  }
  /* A download link with data-busy="ID" shows the status element #ID while the
     report is made; a download does not leave the page, so hide it again when
     the tab regains focus or after a while. */
  function busy(link) {
    link.addEventListener("click", function () {
      var status = document.getElementById(link.dataset.busy);
      if (!status) { return; }
      status.hidden = false;
      link.setAttribute("aria-busy", "true");
      window.setTimeout(function () { status.hidden = true; link.removeAttribute("aria-busy"); }, 6000);
    });
  }
  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("canvas[data-chart]"), draw);
    Array.prototype.forEach.call(document.querySelectorAll("a[data-busy]"), busy);
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
