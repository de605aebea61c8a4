/* Shows BPMN diagrams with bpmn-js (navigated viewer). Each container has
 * data-bpmn-viewer and data-bpmn-source = the id of a json_script block
 * {xml, markers: {done: [ids], current: [ids]}}. No inline script or style. */
(function () {
  "use strict";

  function init(el) {
    var src = document.getElementById(el.dataset.bpmnSource);
    if (!src || !window.BpmnJS) return;
    var d = JSON.parse(src.textContent);
    var viewer = new window.BpmnJS({ container: el });
    viewer
      .importXML(d.xml)
      .then(function () {
        var canvas = viewer.get("canvas");
        var registry = viewer.get("elementRegistry");
        (d.markers.done || []).forEach(function (id) {
          if (registry.get(id)) canvas.addMarker(id, "schakel-done");
        });
        (d.markers.current || []).forEach(function (id) {
          if (registry.get(id)) canvas.addMarker(id, "schakel-current");
        });
        canvas.zoom("fit-viewport");
        if (window.SchakelBpmnLabels) window.SchakelBpmnLabels.spaceLines(el);
        el.dataset.rendered = "1";
      })
      .catch(function () {
        el.textContent = el.dataset.errorText || "";
      });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-bpmn-viewer]").forEach(init);
  });
})();
