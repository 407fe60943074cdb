/* Channel search boxes: suggest at most 20 open channels as one types, from the endpoint named
   in data-channel-search. Without this script the box still works: the server matches the
   typed text. No inline script (CSP). */
(function () {
  "use strict";
  var boxes = document.querySelectorAll("input[data-channel-search]");
  Array.prototype.forEach.call(boxes, function (box) {
    var list = document.getElementById(box.getAttribute("list"));
    var timer = null;
    var asked = "";
    if (!list) {
      return;
    }
    function fill(results) {
      while (list.firstChild) {
        list.removeChild(list.firstChild);
      }
      results.forEach(function (result) {
        var option = document.createElement("option");
        option.value = result.label;
        option.textContent = result.name;
        list.appendChild(option);
      });
    }
    box.addEventListener("input", function () {
      var text = box.value.trim();
      window.clearTimeout(timer);
      if (text.length < 2 || text === asked) {
        return;
      }
      timer = window.setTimeout(function () {
        asked = text;
        var url = box.getAttribute("data-channel-search") + "?q=" + encodeURIComponent(text);
        fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (response) {
            return response.ok ? response.json() : { results: [] };
          })
          .then(function (data) {
            if (box.value.trim() === text) {
              fill(data.results || []);
            }
          })
          .catch(function () {
            fill([]);
          });
      }, 200);
    });
  });
})();
