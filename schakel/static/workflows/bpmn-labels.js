/* bpmn-js draws a wrapped label as one <tspan> per line, without the space
 * that separated the words: copied, searched or read as text, "Terugkoppeling
 * aan" + "de melder" became "Terugkoppeling aande melder". Each line but the
 * last gets its trailing space back (invisible: every line has its own x). */
(function () {
  "use strict";

  function spaceLines(root) {
    if (!root || !root.querySelectorAll) return;
    root.querySelectorAll("text").forEach(function (text) {
      var spans = text.querySelectorAll("tspan");
      for (var i = 0; i < spans.length - 1; i++) {
        var s = spans[i].textContent;
        if (s && !/\s$/.test(s)) spans[i].textContent = s + " ";
      }
    });
  }

  window.SchakelBpmnLabels = { spaceLines: spaceLines };
})();
