/* The bpmn-js modeler for functional administrators. The XML comes from a
 * json_script block; on submit the edited XML is written into the hidden
 * field and the form is posted (the server stores it as a new version). */
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", function () {
    var el = document.querySelector("[data-bpmn-modeler]");
    if (!el || !window.BpmnJS) return;
    var src = document.getElementById(el.dataset.bpmnSource);
    var form = document.getElementById(el.dataset.form);
    var input = form.querySelector("input[name=xml]");
    var modeler = new window.BpmnJS({ container: el });
    modeler.importXML(JSON.parse(src.textContent)).then(function () {
      modeler.get("canvas").zoom("fit-viewport");
      el.dataset.rendered = "1";
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      modeler.saveXML({ format: true }).then(function (result) {
        input.value = result.xml;
        form.submit();
      });
    });
  });
})();
