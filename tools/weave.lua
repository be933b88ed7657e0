--[[ weave.lua - the pandoc filter that turns the book's sources into pages.

Directives (fenced code blocks with a class), see HACKING.md:

  ```{.include file="chapters/01-rosenblatt/01-rosenblatt.c"}```
      a literate C file: prose between a line "/**" and a line "*/",
      everything else code, in source order. A .md file is included as is.
      With listing="true" any file is shown whole as a code listing.
  ```{.output file="01-rosenblatt" lines="3-9" grep="w=" from="a" to="b"}```
      what the chapter printed on stdout during the book build
      (stream="stderr": what it printed on stderr, timings and all)
  ```{.run chapter="01-rosenblatt"}```
      the "run this chapter" box

Images whose path starts with figures/ and has no extension get the one
that suits the output format: .pdf for LaTeX, else .gif (an animation)
or .svg. Anything missing stops the build with a message naming the file.

Environment: NN_RUNS_DIR (default build/runs), NN_FIGURES_DIR (default
build/figures). Paths are relative to the directory pandoc runs in.
]]

local runs_dir = os.getenv("NN_RUNS_DIR") or "build/runs"
local figures_dir = os.getenv("NN_FIGURES_DIR") or "build/figures"
local source_links = os.getenv("NN_SOURCE_LINKS") or ""

local function fail(message)
  io.stderr:write("weave: " .. message .. "\n")
  os.exit(1)
end

local function read_file(path, what)
  local f = io.open(path, "rb")
  if not f then
    fail("missing " .. what .. ": " .. path)
  end
  local text = f:read("a")
  f:close()
  return text
end

local function exists(path)
  local f = io.open(path, "rb")
  if f then f:close() return true end
  return false
end

local function split_lines(text)
  local lines = {}
  for line in (text .. (text:sub(-1) == "\n" and "" or "\n"))
      :gmatch("(.-)\r?\n") do
    lines[#lines + 1] = line
  end
  return lines
end

-- A fence longer than any run of backticks inside the code.
local function fence_for(code)
  local longest = 2
  for run in code:gmatch("`+") do
    if #run > longest then longest = #run end
  end
  return string.rep("`", longest + 1)
end

-- Literate C to Markdown: prose blocks verbatim, code as ```c blocks.
local function literate_to_markdown(source, path)
  local out, code = {}, {}
  local in_prose, opened_at = false, 0
  local function flush_code()
    -- drop blank lines at both ends; an all-blank block disappears
    while #code > 0 and code[1]:match("^%s*$") do table.remove(code, 1) end
    while #code > 0 and code[#code]:match("^%s*$") do
      table.remove(code)
    end
    if #code > 0 then
      local text = table.concat(code, "\n")
      local fence = fence_for(text)
      out[#out + 1] = ""
      out[#out + 1] = fence .. " c"
      out[#out + 1] = text
      out[#out + 1] = fence
      out[#out + 1] = ""
    end
    code = {}
  end
  for number, line in ipairs(split_lines(source)) do
    if not in_prose and line == "/**" then
      flush_code()
      in_prose, opened_at = true, number
    elseif in_prose and line == "*/" then
      in_prose = false
      out[#out + 1] = ""
    elseif in_prose then
      out[#out + 1] = line
    else
      code[#code + 1] = line
    end
  end
  if in_prose then
    fail(path .. ":" .. opened_at .. ": prose block opened by /** is "
         .. "never closed by a line */")
  end
  flush_code()
  return table.concat(out, "\n") .. "\n"
end

-- Pick lines of captured output: lines="a-b", grep, from/to.
local function select_output(text, attr, name)
  local lines = split_lines(text)
  if attr.lines then
    local a, b = attr.lines:match("^(%d+)%-(%d+)$")
    if not a then a = attr.lines:match("^(%d+)$"); b = a end
    if not a then fail(name .. ": bad lines=\"" .. attr.lines .. "\"") end
    local picked = {}
    for i = tonumber(a), math.min(tonumber(b), #lines) do
      picked[#picked + 1] = lines[i]
    end
    lines = picked
  end
  if attr.from or attr.to then
    -- from the first line containing `from` (or the top) through the
    -- first later line containing `to` (or the end)
    local picked, on, done = {}, attr.from == nil, false
    for _, line in ipairs(lines) do
      if not on and not done and line:find(attr.from, 1, true) then
        on = true
      end
      if on then
        picked[#picked + 1] = line
        if attr.to and line:find(attr.to, 1, true)
            and (#picked > 1 or attr.from == nil) then
          on, done = false, true
        end
      end
    end
    lines = picked
  end
  if attr.grep then
    local picked = {}
    for _, line in ipairs(lines) do
      if line:find(attr.grep, 1, true) then picked[#picked + 1] = line end
    end
    lines = picked
  end
  if #lines == 0 then
    fail(name .. ": the selection (lines/grep/from/to) matched nothing")
  end
  return table.concat(lines, "\n")
end

-- LaTeX gets vector PDF figures; every other format (HTML, EPUB, and the
-- Markdown the weave test reads) gets SVG, or GIF for animations.
local function is_latex()
  return FORMAT:match("latex") or FORMAT:match("beamer")
end

local function figure_path(src)
  local rest = src:match("^figures/(.*)$")
  if not rest or rest:match("%.%w+$") then return nil end
  local stem = figures_dir .. "/" .. rest
  if is_latex() then return stem .. ".pdf" end
  if exists(stem .. ".gif") then return stem .. ".gif" end
  return stem .. ".svg"
end

local weave -- the filter table, defined below, used recursively

local included = {}   -- a literate file woven twice would repeat a chapter

local function include_block(attr)
  local path = attr.file
  if not path then fail("an include block needs file=\"...\"") end
  if attr.listing ~= "true" then
    if included[path] then
      fail(path .. " is included twice (once is enough: remove one)")
    end
    included[path] = true
  end
  local text = read_file(path, "include")
  if attr.listing == "true" then
    local lang = path:match("%.(%w+)$") or ""
    if lang == "h" then lang = "c" end
    return {pandoc.CodeBlock(text:gsub("\n$", ""), {class = lang})}
  end
  local markdown = text
  if path:match("%.[ch]$") then
    markdown = literate_to_markdown(text, path)
  end
  local doc = pandoc.read(markdown, "markdown")
  doc = doc:walk(weave)
  return doc.blocks
end

local function run_box(attr)
  local chapter = attr.chapter or fail("a run block needs chapter=\"...\"")
  local number = chapter:match("^(%w%d)%-") or chapter
  local source = "chapters/" .. chapter .. "/" .. chapter .. ".c"
  if not exists(source) then fail("run box: no source " .. source) end
  -- The source link must travel with the output: the HTML site carries
  -- a highlighted copy (NN_SOURCE_LINKS=site); a single file, the EPUB
  -- and the PDF name the file in the repository instead.
  local source_text = "`" .. source .. "` in the book's repository"
  if source_links == "site" then
    source_text = "[`" .. chapter .. ".c`](source/" .. chapter .. ".c.html)"
  end
  local markdown = "**Run this chapter:** `make run-" .. number
    .. "` opens its plots in a window; `build/bin/" .. chapter
    .. " --plot dumb` draws them in the terminal; `--help` lists the "
    .. "flags. Source: " .. source_text .. "."
  local div = pandoc.Div(pandoc.read(markdown, "markdown").blocks,
                         {class = "runbox"})
  return div
end

weave = {
  CodeBlock = function(block)
    local classes = block.classes
    local attr = block.attributes
    if classes:includes("include") then
      return include_block(attr)
    elseif classes:includes("output") then
      local name = attr.file or fail("an output block needs file=\"...\"")
      local suffix = attr.stream == "stderr" and ".log" or ".txt"
      local path = runs_dir .. "/" .. name .. suffix
      local text = read_file(path, "captured output")
      return pandoc.CodeBlock(select_output(text, attr, path),
                              {class = "output"})
    elseif classes:includes("run") then
      return run_box(attr)
    end
    return nil
  end,
  Image = function(image)
    local path = figure_path(image.src)
    if path then
      if not exists(path) then
        -- A diagram not rendered yet (tools/preview.sh, a test): render
        -- it now from the DOT the run wrote or from figures/diagrams/.
        -- (make renders them before pandoc; this is the fallback.)
        local stem = path:gsub("%.%w+$", "")
        local dot = stem .. ".dot"
        if not exists(dot) then
          dot = image.src:match("^figures/diagrams/") and image.src .. ".dot"
        end
        if dot and exists(dot) then
          local ok = os.execute("sh tools/book-dot.sh '" .. dot .. "' '"
                                .. stem .. "' >&2")
          if not ok then fail("diagram " .. dot .. " did not render") end
        end
        if not exists(path) then fail("missing figure: " .. path) end
      end
      image.src = path
      return image
    end
    return nil
  end,
}

-- In HTML, each chapter ends with links to the previous and next chapters
-- and back to the contents, so the table of contents is always one click
-- away, even on a phone where it is not beside the text.
local function chapter_navigation(doc)
  if not FORMAT:match("html") then return nil end
  local chapters = {}
  for i, block in ipairs(doc.blocks) do
    if block.t == "Header" and block.level == 1 and block.identifier ~= ""
    then
      chapters[#chapters + 1] = {index = i, id = block.identifier,
                                 title = pandoc.utils.stringify(block)}
    end
  end
  local blocks = {}
  local next_chapter = 1
  local function nav_for(k)
    local links = {}
    if k > 1 then
      links[#links + 1] = pandoc.Link("\u{2190} " .. chapters[k - 1].title,
                                      "#" .. chapters[k - 1].id)
      links[#links + 1] = pandoc.Space()
    end
    links[#links + 1] = pandoc.Link("Contents", "#TOC")
    if k < #chapters then
      links[#links + 1] = pandoc.Space()
      links[#links + 1] = pandoc.Link(chapters[k + 1].title .. " \u{2192}",
                                      "#" .. chapters[k + 1].id)
    end
    return pandoc.Div({pandoc.Plain(links)}, {class = "chapter-nav"})
  end
  for i, block in ipairs(doc.blocks) do
    -- close the previous chapter just before the next one starts
    if chapters[next_chapter] and chapters[next_chapter].index == i then
      if next_chapter > 1 then
        blocks[#blocks + 1] = nav_for(next_chapter - 1)
      end
      next_chapter = next_chapter + 1
    end
    blocks[#blocks + 1] = block
  end
  if #chapters > 0 then blocks[#blocks + 1] = nav_for(#chapters) end
  doc.blocks = blocks
  return doc
end

-- Each included file is read on its own, so two chapters can both have
-- a section "Exercises" with the identifier "exercises". Keep the first;
-- rename later ones after their chapter ("ch-sigmoid-exercises").
local function unique_identifiers(doc)
  local seen, chapter = {}, "part"
  for _, block in ipairs(doc.blocks) do
    if block.t == "Header" and block.identifier ~= "" then
      if block.level == 1 then chapter = block.identifier end
      local id = block.identifier
      if seen[id] then
        id = chapter .. "-" .. id
        local n = 1
        while seen[id] do
          n = n + 1
          id = chapter .. "-" .. block.identifier .. "-" .. n
        end
        block.identifier = id
      end
      seen[id] = true
    end
  end
  return doc
end

-- LaTeX letters the chapters after \appendix (A, B, C). Other formats
-- know nothing of it, so there the appendices are titled "Appendix A:
-- ..." and left out of the section numbering.
local function appendix_letters(doc)
  if FORMAT:match("latex") then return nil end
  local in_appendix, letter = false, 64
  for _, block in ipairs(doc.blocks) do
    if block.t == "RawBlock" and block.text:match("\\appendix") then
      in_appendix = true
    elseif in_appendix and block.t == "Header"
        and not block.classes:includes("backmatter") then
      block.classes:insert("unnumbered")
      if block.level == 1 then
        letter = letter + 1
        local label = "Appendix " .. string.char(letter) .. ": "
        block.content:insert(1, pandoc.Str(label))
      end
    end
  end
  return doc
end

-- Citations: every [@key] must be in the bibliography. Pandoc's citeproc
-- (which runs after this filter) only warns about a missing key, so the
-- weave checks them first and stops, naming each missing key and the
-- chapter that cites it.
local function bibliography_keys(meta)
  -- without a bibliography in the metadata (tools/preview.sh), the
  -- book's own is the one the keys must be in
  local files = meta.bibliography
  if not files and exists("book/references.bib") then
    files = "book/references.bib"
  end
  if not files then return nil end
  -- one file (a string, or Inlines whose items are Str...) or a list
  if type(files) == "string"
      or (type(files[1]) == "table" and files[1].t ~= nil) then
    files = {files}
  end
  local keys = {}
  for _, file in ipairs(files) do
    local path = pandoc.utils.stringify(file)
    local text = read_file(path, "bibliography")
    for key in text:gmatch("@%a+%s*{%s*([^,%s]+)%s*,") do
      keys[key] = true
    end
  end
  return keys
end

local function check_citations(doc)
  local keys = bibliography_keys(doc.meta)
  local missing, chapter = {}, "the start"
  for _, block in ipairs(doc.blocks) do
    if block.t == "Header" and block.level == 1 then
      chapter = "#" .. block.identifier
    end
    block:walk({Cite = function(cite)
      for _, citation in ipairs(cite.citations) do
        if not keys or not keys[citation.id] then
          missing[#missing + 1] = "@" .. citation.id .. " (in " .. chapter
                                  .. ")"
        end
      end
    end})
  end
  if #missing > 0 then
    fail((keys and "citation key not in the bibliography: "
          or "citations but no bibliography: ")
         .. table.concat(missing, ", ")
         .. (keys and " - add a BibTeX entry to book/references.bib" or ""))
  end
  return nil
end

-- The index: every term the glossary defines (its "Terms" list), found
-- where each chapter first uses it. LaTeX gets \index{term} there and
-- prints a real index with page numbers (\printindex, set up in
-- tools/book-header.tex); other formats get an anchor there and an
-- "Index" section listing each term with links to those places. The
-- index goes where book.md has a block ```{.index}```.
local function glossary_terms(doc)
  local terms, in_glossary = {}, false
  for _, block in ipairs(doc.blocks) do
    if block.t == "Header" and block.level == 1 then
      in_glossary = block.identifier == "app-glossary"
    elseif in_glossary and block.t == "DefinitionList" then
      for _, item in ipairs(block.content) do
        local plain = true
        for _, inline in ipairs(item[1]) do
          if inline.t == "Math" or inline.t == "Code" then plain = false end
        end
        local name = pandoc.utils.stringify(item[1])
        if plain and name ~= "" then
          local words = {}
          for variant in name:gsub("%b()", ""):gmatch("[^,]+") do
            variant = variant:gsub("^%s+", ""):gsub("%s+$", "")
            if variant ~= "" then words[#words + 1] = variant:lower() end
          end
          terms[#terms + 1] = {name = name, words = words, places = {}}
        end
      end
    end
  end
  return terms
end

local function escape_pattern(text)
  return (text:gsub("[%^%$%(%)%%%.%[%]%*%+%-%?]", "%%%0"))
end

local function mentions(text, words)
  for _, word in ipairs(words) do
    local pattern = "%f[%w]" .. escape_pattern(word):gsub(" ", "%%s+")
                    .. "%f[%W]"
    if text:find(pattern) then return true end
  end
  return false
end

local function latex_index_key(name)
  -- makeindex's special characters are quoted with "
  return (name:gsub('[!@|"]', '"%0'))
end

local function glossary_index(doc)
  local terms = glossary_terms(doc)
  if #terms == 0 then return nil end
  local chapter, title, in_glossary, anchors = nil, nil, false, 0
  local done = {}   -- done[term][chapter]: already marked in this chapter
  local function mark(par)
    if not chapter or in_glossary then return nil end
    local text = pandoc.utils.stringify(par):lower()
    local marks = {}
    for t, term in ipairs(terms) do
      done[t] = done[t] or {}
      if not done[t][chapter] and mentions(text, term.words) then
        done[t][chapter] = true
        if is_latex() then
          marks[#marks + 1] = pandoc.RawInline("latex", "\\index{"
                                .. latex_index_key(term.name) .. "}")
        else
          anchors = anchors + 1
          local id = "idx-" .. anchors
          marks[#marks + 1] = pandoc.Span({}, {id = id})
          term.places[#term.places + 1] = {id = id, title = title}
        end
      end
    end
    if #marks == 0 then return nil end
    for k = #marks, 1, -1 do par.content:insert(1, marks[k]) end
    return par
  end
  local index_at
  for i, block in ipairs(doc.blocks) do
    if block.t == "Header" and block.level == 1 then
      -- an index entry names the chapter by its short title
      chapter = block.identifier
      title = pandoc.utils.stringify(block):gsub(":.*$", "")
      -- (the preface and the back matter, unnumbered, only point ahead)
      in_glossary = block.classes:includes("unnumbered")
                    or block.classes:includes("backmatter")
                    or block.identifier == "app-glossary"
    elseif block.t == "CodeBlock" and block.classes:includes("index") then
      index_at = i
    elseif block.t ~= "CodeBlock" and block.t ~= "Header" then
      -- (walk visits what is inside its element: wrap it to visit it too)
      doc.blocks[i] = pandoc.Div({block}):walk({Para = mark, Plain = mark})
                      .content[1]
    end
  end
  if not index_at then return doc end
  local out
  if is_latex() then
    out = {pandoc.RawBlock("latex", "\\printindex")}
  else
    out = {pandoc.Header(1, "Index", {id = "book-index",
                                       class = "unnumbered backmatter"})}
    local items = {}
    for _, term in ipairs(terms) do
      if #term.places > 0 then
        local inlines = pandoc.List({pandoc.Str(term.name)})
        for k, place in ipairs(term.places) do
          inlines:insert(pandoc.Str(k == 1 and ": " or ", "))
          inlines:insert(pandoc.Link(place.title, "#" .. place.id))
        end
        items[#items + 1] = {pandoc.Plain(inlines)}
      end
    end
    table.sort(items, function(a, b)
      return pandoc.utils.stringify(a):lower()
             < pandoc.utils.stringify(b):lower()
    end)
    out[2] = pandoc.Div({pandoc.BulletList(items)}, {class = "book-index"})
  end
  local blocks = {}
  for i, block in ipairs(doc.blocks) do
    if i == index_at then
      for _, b in ipairs(out) do blocks[#blocks + 1] = b end
    else
      blocks[#blocks + 1] = block
    end
  end
  doc.blocks = blocks
  return doc
end

return {weave, {Pandoc = check_citations}, {Pandoc = glossary_index},
        {Pandoc = unique_identifiers}, {Pandoc = appendix_letters},
        {Pandoc = chapter_navigation}}
