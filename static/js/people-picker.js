/* The administrators picker of the account request form: progressive enhancement of a text area
   of email addresses (one per line), which is what the server reads without JavaScript.

   The text area is replaced by a search box that asks the portal's staff search (2+ characters,
   debounced) and lists the matches as a listbox (arrow keys, Enter to choose, Escape to close).
   Each chosen person becomes a chip with a remove button, bound to a hidden input of the field's
   name carrying their address; the server resolves and checks the addresses either way. The
   search box takes the field's id, so its label and the error summary's link lead to it.
   No inline script or style (CSP). */
(function () {
  "use strict";
  var MIN_CHARS = 2;
  var DELAY_MS = 250;

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text) {
      node.textContent = text;
    }
    return node;
  }

  function setup(area) {
    var name = area.name;
    var fieldId = area.id;
    var searchUrl = area.getAttribute("data-search-url");
    var chosen = [];
    var matches = [];
    var active = -1;
    var timer = null;
    var pending = null;

    var picker = element("div", "people-picker");
    var chips = element("ul", "people-picker-chips list-unstyled mb-2");
    chips.setAttribute("aria-label", "Chosen administrators");
    var input = element("input", area.className.replace("textarea", "").trim() || "form-control");
    input.type = "text";
    input.autocomplete = "off";
    input.spellcheck = false;
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    var list = element("ul", "people-picker-results list-group");
    list.id = fieldId + "_results";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Members of staff matching your search");
    list.hidden = true;
    input.setAttribute("aria-controls", list.id);
    var status = element("p", "form-text people-picker-status mb-0");
    status.id = fieldId + "_status";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    var hint = element("p", "form-text mb-1", "Search by name or email address, then choose the person from the list.");
    hint.id = fieldId + "_searchhint";

    var described = [hint.id, status.id];
    var earlier = area.getAttribute("aria-describedby");
    if (earlier) {
      described = earlier.split(/\s+/).concat(described);
    }
    input.setAttribute("aria-describedby", described.join(" "));
    if (area.classList.contains("is-invalid")) {
      input.classList.add("is-invalid");
      input.setAttribute("aria-invalid", "true");
    }

    // The text area steps aside: hidden and disabled (not posted), its id given to the search box.
    area.id = fieldId + "_typed";
    area.hidden = true;
    area.disabled = true;
    input.id = fieldId;
    picker.appendChild(hint);
    picker.appendChild(chips);
    picker.appendChild(input);
    picker.appendChild(list);
    picker.appendChild(status);
    area.parentNode.insertBefore(picker, area);

    function say(message) {
      status.textContent = message;
    }

    function has(email) {
      var wanted = email.toLowerCase();
      return chosen.some(function (person) {
        return person.email.toLowerCase() === wanted;
      });
    }

    function label(person) {
      return person.name ? person.name + " (" + person.email + ")" : person.email;
    }

    function addChip(person) {
      chosen.push(person);
      var chip = element("li", "people-picker-chip");
      chip.appendChild(element("span", "", label(person)));
      var remove = element("button", "btn btn-sm btn-link people-picker-remove", "Remove");
      remove.type = "button";
      remove.setAttribute("aria-label", "Remove " + (person.name || person.email));
      remove.addEventListener("click", function () {
        chosen = chosen.filter(function (other) {
          return other !== person;
        });
        chip.remove();
        say("Removed " + (person.name || person.email) + ". " + countText());
        input.focus();
      });
      chip.appendChild(remove);
      var hidden = element("input");
      hidden.type = "hidden";
      hidden.name = name;
      hidden.value = person.email;
      chip.appendChild(hidden);
      chips.appendChild(chip);
    }

    function countText() {
      var n = chosen.length;
      return n === 1 ? "1 administrator chosen." : n + " administrators chosen.";
    }

    function close() {
      list.hidden = true;
      list.textContent = "";
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
      matches = [];
    }

    function choose(person) {
      if (has(person.email)) {
        say(label(person) + " is already chosen.");
      } else {
        addChip(person);
        say("Added " + (person.name || person.email) + ". " + countText());
      }
      input.value = "";
      close();
      input.focus();
    }

    function highlight(index) {
      var options = list.querySelectorAll("[role='option']");
      options.forEach(function (option, i) {
        option.setAttribute("aria-selected", i === index ? "true" : "false");
        option.classList.toggle("active", i === index);
      });
      active = index;
      if (index >= 0 && options[index]) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function show(results) {
      list.textContent = "";
      matches = results.filter(function (person) {
        return !has(person.email);
      });
      matches.forEach(function (person, index) {
        var option = element("li", "list-group-item list-group-item-action people-picker-option");
        option.id = fieldId + "_option_" + index;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.appendChild(element("span", "", person.name));
        option.appendChild(element("span", "people-picker-email", person.email));
        option.addEventListener("mousedown", function (event) {
          event.preventDefault(); // keep the focus in the search box
          choose(person);
        });
        list.appendChild(option);
      });
      list.hidden = matches.length === 0;
      input.setAttribute("aria-expanded", matches.length ? "true" : "false");
      active = -1;
    }

    function search() {
      var query = input.value.trim();
      if (pending) {
        pending.abort();
        pending = null;
      }
      if (query.length < MIN_CHARS) {
        close();
        say(query ? "Type at least " + MIN_CHARS + " characters to search." : "");
        return;
      }
      pending = new AbortController();
      fetch(searchUrl + "?q=" + encodeURIComponent(query), {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        signal: pending.signal,
      })
        .then(function (response) {
          if (response.status === 429) {
            throw new Error("Too many searches in a short time; wait a moment and type again.");
          }
          if (!response.ok) {
            throw new Error("The search is not available; type the email addresses instead.");
          }
          return response.json();
        })
        .then(function (body) {
          show(body.results || []);
          if (!body.results || !body.results.length) {
            say("No member of staff matches “" + query + "”.");
          } else if (!matches.length) {
            say("Everyone matching “" + query + "” is already chosen.");
          } else {
            say(body.message + " Use the arrow keys and Enter to choose.");
          }
        })
        .catch(function (error) {
          if (error.name !== "AbortError") {
            close();
            say(error.message);
            if (error.message.indexOf("type the email") !== -1) {
              restoreTextArea();
            }
          }
        });
    }

    function restoreTextArea() {
      // The search failed: fall back to typing addresses, keeping the people already chosen.
      area.value = chosen.map(function (person) { return person.email; }).join("\n");
      area.disabled = false;
      area.hidden = false;
      picker.remove();
      area.id = fieldId;
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(search, DELAY_MS);
    });

    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" && matches.length) {
        event.preventDefault();
        highlight(Math.min(active + 1, matches.length - 1));
      } else if (event.key === "ArrowUp" && matches.length) {
        event.preventDefault();
        highlight(Math.max(active - 1, 0));
      } else if (event.key === "Enter") {
        var typed = input.value.trim();
        if (active >= 0 && matches[active]) {
          event.preventDefault();
          choose(matches[active]);
        } else if (matches.length === 1) {
          event.preventDefault();
          choose(matches[0]);
        } else if (/^[^@\s]+@[^@\s]+$/.test(typed)) {
          event.preventDefault(); // a whole address typed: the server checks it on submission
          choose({ name: "", email: typed });
        } else if (typed) {
          event.preventDefault(); // never submit the form half-way through a search
          say("Choose a person from the list, or type a whole email address.");
        }
      } else if (event.key === "Escape" && !list.hidden) {
        event.preventDefault();
        close();
      } else if (event.key === "Backspace" && !input.value && chosen.length) {
        var last = chips.lastElementChild;
        if (last) {
          last.querySelector("button").click();
        }
      }
    });

    input.addEventListener("blur", function () {
      window.setTimeout(close, 150);
    });

    var initial = [];
    try {
      initial = JSON.parse(area.getAttribute("data-chosen") || "[]");
    } catch (error) {
      initial = [];
    }
    initial.forEach(function (person) {
      if (!has(person.email)) {
        addChip(person);
      }
    });
  }

  document.querySelectorAll("textarea[data-people-picker]").forEach(setup);
})();
