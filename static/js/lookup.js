/*
 * Name boxes in filter forms (a company, a market) become an accessible autocomplete.
 *
 * Without this script a box is a plain text input: the server takes a name or a slug
 * (notorious/core/filters.py). With it, typing two characters or more asks
 * `data-lookup` (notorious/lookup.py: at most 20 published entries) and shows them as a
 * listbox, following the ARIA combobox pattern: Down and Up move through the
 * suggestions, Enter picks one, Escape closes the list; a click picks one too. A picked
 * suggestion shows its name; the form submits its slug, so addresses keep the slug.
 * No inline script or style: the Content Security Policy allows neither.
 */
(function () {
  "use strict";

  var MIN_CHARS = 2;
  var DELAY_MS = 200;
  var counter = 0;

  function enhance(input) {
    counter += 1;
    var listId = "lookup-list-" + counter;
    var wrapper = document.createElement("div");
    wrapper.className = "lookup";
    input.parentNode.insertBefore(wrapper, input);
    wrapper.appendChild(input);

    var list = document.createElement("ul");
    list.id = listId;
    list.className = "lookup-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Suggestions");
    list.hidden = true;
    wrapper.appendChild(list);

    var status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    wrapper.appendChild(status);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);
    if (input.dataset.value) {
      input.dataset.label = input.value;
    }

    var options = [];
    var active = -1;
    var timer = null;
    var pending = null;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      options.forEach(function (option, i) {
        option.element.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      active = index;
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", options[index].element.id);
        options[index].element.scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function pick(index) {
      var chosen = options[index];
      input.value = chosen.label;
      input.dataset.value = chosen.value;
      input.dataset.label = chosen.label;
      close();
      status.textContent = chosen.label + " chosen.";
    }

    function show(results, more) {
      list.textContent = "";
      options = results.map(function (result, i) {
        var item = document.createElement("li");
        item.id = listId + "-" + i;
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        item.textContent = result.label;
        item.addEventListener("mousedown", function (event) {
          event.preventDefault(); // keep the focus in the box
          pick(i);
        });
        list.appendChild(item);
        return { element: item, value: result.value, label: result.label };
      });
      active = -1;
      if (options.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
      } else {
        close();
      }
      var n = options.length;
      status.textContent = n
        ? n + (more ? " or more" : "") + " suggestion" + (n === 1 ? "" : "s") +
          ": use the up and down arrows to choose."
        : "No suggestions: type a name or a slug.";
    }

    function ask() {
      var typed = input.value.trim();
      if (typed.length < MIN_CHARS) {
        close();
        return;
      }
      if (pending) {
        pending.abort();
      }
      pending = new AbortController();
      var url = input.dataset.lookup + "?q=" + encodeURIComponent(typed);
      fetch(url, { signal: pending.signal, headers: { Accept: "application/json" } })
        .then(function (response) {
          return response.ok ? response.json() : { results: [], more: false };
        })
        .then(function (data) {
          if (input.value.trim() === typed && document.activeElement === input) {
            show(data.results, data.more);
          }
        })
        .catch(function () {
          /* aborted, offline or rate-limited: the box still takes a typed name */
        });
    }

    input.addEventListener("input", function () {
      if (input.value !== input.dataset.label) {
        delete input.dataset.value;
      }
      clearTimeout(timer);
      timer = setTimeout(ask, DELAY_MS);
    });

    input.addEventListener("keydown", function (event) {
      var open = !list.hidden && options.length > 0;
      if (event.key === "ArrowDown" && open) {
        event.preventDefault();
        highlight((active + 1) % options.length);
      } else if (event.key === "ArrowUp" && open) {
        event.preventDefault();
        highlight(active <= 0 ? options.length - 1 : active - 1);
      } else if (event.key === "Enter" && open && active >= 0) {
        event.preventDefault(); // pick, do not submit yet
        pick(active);
      } else if (event.key === "Escape" && open) {
        event.preventDefault();
        close();
      }
    });

    input.addEventListener("blur", close);

    if (input.form) {
      input.form.addEventListener("submit", function () {
        // The address carries the slug of a picked (or already chosen) entry.
        if (input.dataset.value && input.value === input.dataset.label) {
          input.value = input.dataset.value;
        }
      });
    }

    // Back to a page kept in the browser's cache: show the name again, not the slug.
    window.addEventListener("pageshow", function () {
      if (input.dataset.value && input.value === input.dataset.value) {
        input.value = input.dataset.label;
      }
    });
  }

  document.querySelectorAll("input[data-lookup]").forEach(enhance);
})();
