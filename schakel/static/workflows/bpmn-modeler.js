/* The bpmn-js modeler for functional administrators, with a small properties
 * panel of our own (ADR 0306): id and name of the selected element, the
 * condition of a flow leaving an exclusive gateway, the duration of a timer
 * event, and (read-only) the lane of a task.
 *
 * Data comes from a json_script block {xml, select, types}; the panel's
 * labels and messages are in the template (translated there). On submit the
 * edited XML is written into the hidden field and the form is posted; the
 * server checks it (restricted engine) and stores it as a new version. */
(function () {
  "use strict";

  var ID = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
  var DURATION = /^P(?=\d|T\d)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/;
  var TIMER_TYPES = ["bpmn:BoundaryEvent", "bpmn:IntermediateCatchEvent"];
  var TASK_TYPES = ["bpmn:UserTask", "bpmn:ManualTask", "bpmn:Task", "bpmn:ScriptTask"];

  function $(id) {
    return document.getElementById(id);
  }

  function is(element, type) {
    var bo = element && element.businessObject;
    return !!(bo && bo.$instanceOf && bo.$instanceOf(type));
  }

  function Panel(modeler, types) {
    this.modeler = modeler;
    this.types = types || {};
    this.modeling = modeler.get("modeling");
    this.factory = modeler.get("bpmnFactory");
    this.registry = modeler.get("elementRegistry");
    this.selection = modeler.get("selection");
    this.canvas = modeler.get("canvas");
    this.moddle = modeler.get("moddle");
    this.element = null;
    this.fields = {
      select: $("props-element"),
      empty: $("props-empty"),
      box: $("props-fields"),
      type: $("props-type"),
      id: $("props-id"),
      idError: $("props-id-error"),
      name: $("props-name"),
      conditionField: $("props-condition-field"),
      condition: $("props-condition"),
      timerField: $("props-timer-field"),
      timer: $("props-timer"),
      timerError: $("props-timer-error"),
      laneField: $("props-lane-field"),
      lane: $("props-lane"),
    };
    this.bind();
  }

  Panel.prototype.bind = function () {
    var self = this;
    var f = this.fields;
    var eventBus = this.modeler.get("eventBus");
    eventBus.on("selection.changed", function (e) {
      var sel = e.newSelection || [];
      self.show(sel.length === 1 ? sel[0] : null);
    });
    eventBus.on("elements.changed", function (e) {
      self.fillList();
      var current = self.element;
      if (current && e.elements.indexOf(current) !== -1) {
        // The element may have been removed, or changed by undo/redo.
        self.show(self.registry.get(current.id) === current ? current : null);
      }
    });
    f.select.addEventListener("change", function () {
      var el = self.registry.get(f.select.value);
      if (el) {
        self.selection.select(el);
        self.canvas.scrollToElement(el);
      } else {
        self.selection.select(null);
      }
    });
    [
      [f.id, this.applyId],
      [f.name, this.applyName],
      [f.condition, this.applyCondition],
      [f.timer, this.applyTimer],
    ].forEach(function (pair) {
      var input = pair[0];
      var apply = pair[1].bind(self);
      input.addEventListener("change", apply);
      input.addEventListener("keydown", function (event) {
        if (event.key === "Enter") {
          event.preventDefault();
          apply();
        }
      });
    });
  };

  Panel.prototype.label = function (element) {
    var bo = element.businessObject;
    var type = this.types[element.type] || this.types.other || element.type;
    var name = (bo.name || "").replace(/\s+/g, " ").trim();
    return type + ": " + (name ? name + " (" + element.id + ")" : element.id);
  };

  /* The "Element" list: every element but labels and the root, by type and name. */
  Panel.prototype.fillList = function () {
    var self = this;
    var select = this.fields.select;
    var root = this.canvas.getRootElement();
    var elements = this.registry.filter(function (el) {
      return el !== root && el.type !== "label" && el.businessObject;
    });
    elements.sort(function (a, b) {
      return self.label(a).localeCompare(self.label(b), "nl");
    });
    select.textContent = "";
    var none = document.createElement("option");
    none.value = "";
    none.textContent = select.dataset.emptyLabel || "";
    select.appendChild(none);
    elements.forEach(function (el) {
      var option = document.createElement("option");
      option.value = el.id;
      option.textContent = self.label(el);
      select.appendChild(option);
    });
    select.value = this.element ? this.element.id : "";
  };

  Panel.prototype.laneOf = function (element) {
    var bo = element.businessObject;
    var lanes = this.registry.filter(function (el) {
      return el.type === "bpmn:Lane" && (el.businessObject.flowNodeRef || []).indexOf(bo) !== -1;
    });
    return lanes.length ? lanes[0].businessObject.name || lanes[0].id : "";
  };

  Panel.prototype.timerDefinition = function (element) {
    var defs = element.businessObject.eventDefinitions || [];
    for (var i = 0; i < defs.length; i++) {
      if (defs[i].$instanceOf("bpmn:TimerEventDefinition")) return defs[i];
    }
    return null;
  };

  Panel.prototype.isGatewayFlow = function (element) {
    return is(element, "bpmn:SequenceFlow") && element.source && is(element.source, "bpmn:ExclusiveGateway");
  };

  Panel.prototype.show = function (element) {
    var f = this.fields;
    if (element && (element.type === "label" || element === this.canvas.getRootElement())) {
      element = element.labelTarget || null;
    }
    this.element = element;
    this.clearError(f.idError, f.id);
    this.clearError(f.timerError, f.timer);
    f.select.value = element ? element.id : "";
    f.empty.hidden = !!element;
    f.box.hidden = !element;
    if (!element) return;
    var bo = element.businessObject;
    f.type.textContent = this.types[element.type] || this.types.other || element.type;
    f.id.value = element.id;
    f.name.value = bo.name || "";

    f.conditionField.hidden = !this.isGatewayFlow(element);
    f.condition.value = bo.conditionExpression ? bo.conditionExpression.body || "" : "";

    var timer = TIMER_TYPES.indexOf(element.type) !== -1 ? this.timerDefinition(element) : null;
    f.timerField.hidden = !timer;
    if (timer) {
      var raw = timer.timeDuration ? (timer.timeDuration.body || "").trim() : "";
      var quoted = /^"(.*)"$/.exec(raw);
      f.timer.value = quoted ? quoted[1] : raw;
    }

    var isTask = TASK_TYPES.indexOf(element.type) !== -1;
    f.laneField.hidden = !isTask;
    if (isTask) f.lane.textContent = this.laneOf(element) || f.lane.dataset.none;
  };

  Panel.prototype.showError = function (list, input, key) {
    list.firstElementChild.textContent = list.dataset[key] || "";
    list.hidden = false;
    input.setAttribute("aria-invalid", "true");
    input.closest(".field").classList.add("field--error");
  };

  Panel.prototype.clearError = function (list, input) {
    list.hidden = true;
    input.removeAttribute("aria-invalid");
    input.closest(".field").classList.remove("field--error");
  };

  /* Each apply returns false when the typed value is refused (it stays in the field). */
  Panel.prototype.applyId = function () {
    var f = this.fields;
    var el = this.element;
    if (!el) return true;
    var value = f.id.value.trim();
    if (value === el.id) {
      this.clearError(f.idError, f.id);
      return true;
    }
    if (!ID.test(value)) {
      this.showError(f.idError, f.id, "invalid");
      return false;
    }
    if (this.registry.get(value) || this.moddle.ids.assigned(value)) {
      this.showError(f.idError, f.id, "taken");
      return false;
    }
    this.clearError(f.idError, f.id);
    this.modeling.updateProperties(el, { id: value });
    return true;
  };

  Panel.prototype.applyName = function () {
    var el = this.element;
    if (!el) return true;
    var value = this.fields.name.value.trim();
    if (value !== (el.businessObject.name || "")) this.modeling.updateProperties(el, { name: value || undefined });
    return true;
  };

  Panel.prototype.applyCondition = function () {
    var el = this.element;
    if (!el || !this.isGatewayFlow(el)) return true;
    var value = this.fields.condition.value.trim();
    var current = el.businessObject.conditionExpression;
    if (value === (current ? current.body || "" : "")) return true;
    // The server checks the expression with the restricted engine on save.
    var expression = value ? this.factory.create("bpmn:FormalExpression", { body: value }) : undefined;
    this.modeling.updateProperties(el, { conditionExpression: expression });
    return true;
  };

  Panel.prototype.applyTimer = function () {
    var f = this.fields;
    var el = this.element;
    var timer = el && TIMER_TYPES.indexOf(el.type) !== -1 ? this.timerDefinition(el) : null;
    if (!timer) return true;
    var value = f.timer.value.trim().toUpperCase().replace(/^"(.*)"$/, "$1");
    if (!DURATION.test(value)) {
      this.showError(f.timerError, f.timer, "invalid");
      return false;
    }
    this.clearError(f.timerError, f.timer);
    f.timer.value = value;
    var body = '"' + value + '"'; // the engine evaluates it: a quoted string
    var current = timer.timeDuration ? (timer.timeDuration.body || "").trim() : "";
    if (body === current && !timer.timeDate && !timer.timeCycle) return true;
    this.modeling.updateModdleProperties(el, timer, {
      timeDuration: this.factory.create("bpmn:FormalExpression", { body: body }),
      timeDate: undefined,
      timeCycle: undefined,
    });
    return true;
  };

  /* Before saving: apply what is still in the fields; false if a value is refused. */
  Panel.prototype.flush = function () {
    if (!this.element) return true;
    var f = this.fields;
    var checks = [
      [this.applyId, f.id],
      [this.applyName, f.name],
      [this.applyCondition, f.condition],
      [this.applyTimer, f.timer],
    ];
    for (var i = 0; i < checks.length; i++) {
      var input = checks[i][1];
      if (input.closest("[hidden]")) continue;
      if (!checks[i][0].call(this)) {
        input.focus();
        return false;
      }
    }
    return true;
  };

  document.addEventListener("DOMContentLoaded", function () {
    var el = document.querySelector("[data-bpmn-modeler]");
    if (!el || !window.BpmnJS) return;
    var data = JSON.parse(document.getElementById(el.dataset.bpmnSource).textContent);
    var form = document.getElementById(el.dataset.form);
    var input = form.querySelector("input[name=xml]");
    var modeler = new window.BpmnJS({ container: el });
    var panel = new Panel(modeler, data.types);
    var labels = window.SchakelBpmnLabels;
    if (labels) {
      modeler.get("eventBus").on(["shape.changed", "connection.changed"], 100, function (e) {
        labels.spaceLines(e.gfx);
      });
    }
    modeler.importXML(data.xml).then(function () {
      var canvas = modeler.get("canvas");
      canvas.zoom("fit-viewport");
      if (labels) labels.spaceLines(el);
      panel.fillList();
      // After a refused save: select the element the server named.
      var faulty = data.select && modeler.get("elementRegistry").get(data.select);
      if (faulty) {
        modeler.get("selection").select(faulty);
        canvas.scrollToElement(faulty);
      }
      el.dataset.rendered = "1";
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!panel.flush()) return;
      modeler.saveXML({ format: true }).then(function (result) {
        input.value = result.xml;
        form.submit();
      });
    });
  });
})();
