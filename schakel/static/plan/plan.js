/* Plan charts: every <canvas data-chart="ID"> reads the JSON block #ID (written
   by Django's json_script) and draws the measurements with the baseline and
   target as horizontal lines. No inline script (CSP). */
(function () {
  "use strict";
  var DAY = 86400000;
  function two(n) { return (n < 10 ? "0" : "") + n; }
  /* x values are days since 1970-01-01 (UTC): shown as dd-mm-jjjj. */
  function dayLabel(value) {
    var d = new Date(Math.round(value) * DAY);
    return two(d.getUTCDate()) + "-" + two(d.getUTCMonth() + 1) + "-" + d.getUTCFullYear();
  }
  function draw(canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source || typeof window.Chart === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    /* A linear x axis in days, so that the distance between two measurements is
       proportional to the time between them (no date adapter needed). */
    var xs = data.x || [];
    var points = data.values.map(function (v, i) { return { x: xs[i], y: v }; });
    var low = xs.length ? Math.min.apply(null, xs) : 0;
    var high = xs.length ? Math.max.apply(null, xs) : 0;
    var pad = high > low ? Math.round((high - low) * 0.04) : 180;
    var datasets = [{
      label: "Metingen (" + data.unit + ")",
      data: points,
      borderColor: "#0b5394",
      backgroundColor: "#0b5394",
      tension: 0,
      pointRadius: 4
    }];
    function flat(value, label, color, dash) {
      return { label: label, data: [{ x: low - pad, y: value }, { x: high + pad, y: value }], borderColor: color,
        backgroundColor: color, borderDash: dash, pointRadius: 0, borderWidth: 2 };
    }
    if (data.baseline !== null) { datasets.push(flat(data.baseline, "Nulmeting", "#b3541e", [6, 3])); }
    if (data.target !== null) { datasets.push(flat(data.target, "Streefwaarde", "#1e6b35", [2, 3])); }
    var options = {
      responsive: true, maintainAspectRatio: false, animation: false,
      plugins: {
        legend: { position: "bottom" },
        tooltip: { callbacks: { title: function (items) { return items.length ? dayLabel(items[0].parsed.x) : ""; } } }
      },
      scales: {
        x: {
          type: "linear", min: low - pad, max: high + pad,
          /* One tick per measurement, at its own date; a date that would print
             over the next one is left out (the last one always stays).
             Chart.js's autoSkip assumes evenly spaced ticks, so it is off. */
          afterBuildTicks: function (axis) {
            if (!xs.length) { return; }
            var plotWidth = Math.max(100, axis.chart.width - 60);
            var minGap = (axis.max - axis.min) * 78 / plotWidth;
            var kept = [];
            var sorted = xs.slice().sort(function (a, b) { return b - a; });
            sorted.forEach(function (v) {
              if (!kept.length || kept[kept.length - 1] - v >= minGap) { kept.push(v); }
            });
            axis.ticks = kept.reverse().map(function (v) { return { value: v }; });
          },
          ticks: { callback: function (value) { return dayLabel(value); }, autoSkip: false, maxRotation: 0 }
        },
        y: { beginAtZero: data.unit === "%" }
      }
    };
    if (data.unit === "%") { options.scales.y.suggestedMax = 100; }
    new window.Chart(canvas, { type: "line", data: { datasets: datasets }, options: options });
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
