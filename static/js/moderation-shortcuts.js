/* Keyboard shortcuts on a moderation item: k keep, r remove, e escalate, n next item.
   Ignored while typing in a field or with a modifier key held. No inline script (CSP). */
(function () {
  "use strict";
  var outcomes = { k: "keep", r: "remove", e: "escalate_student_services" };

  function typing(target) {
    var tag = target && target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable);
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) {
      return;
    }
    var key = event.key.toLowerCase();
    if (key === "n") {
      var next = document.getElementById("next-item");
      if (next) {
        event.preventDefault();
        window.location.assign(next.href);
      }
      return;
    }
    var value = outcomes[key];
    if (!value) {
      return;
    }
    var radio = document.querySelector('input[name="outcome"][value="' + value + '"]');
    if (!radio) {
      return;
    }
    event.preventDefault();
    radio.checked = true;
    radio.focus();
    radio.dispatchEvent(new Event("change", { bubbles: true }));
    var reason = document.querySelector('textarea[name="reason"]');
    if (reason && key !== "e") {
      reason.focus();
    }
  });
})();
