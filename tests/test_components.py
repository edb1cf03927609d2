from __future__ import annotations

import json

import pytest
import spacy

from dualuse.model.components import CUES_KEY, TECH_KEY
from dualuse.model.taxonomy import surface_forms


def tech(nlp, text):
    doc = nlp(text)
    return [(s.text, s.label_, s.id_) for s in doc.spans[TECH_KEY]]


def test_longest_match_wins(tiny_nlp):
    assert tech(tiny_nlp, "It carries a synthetic aperture radar.") == [
        ("synthetic aperture radar", "sensors_lasers", "sar")]


def test_plurals_hyphens_and_spacing(tiny_nlp):
    found = tech(tiny_nlp, "Drones, unmanned-aerial vehicles, UAVs and counter drone kit; "
                           "a counterdrone laser and Counter-Drones.")
    assert [t for t, _, _ in found] == ["Drones", "unmanned-aerial vehicles", "UAVs", "counter drone",
                                        "counterdrone", "Counter-Drones"]


def test_acronyms_are_case_sensitive(tiny_nlp):
    assert tech(tiny_nlp, "the ai said Gps; said Ai; wait; UAVIONICS; gpsd") == []
    assert [t for t, _, _ in tech(tiny_nlp, "AI and GPS and UAV.")] == ["AI", "GPS", "UAV"]


def test_words_are_case_insensitive(tiny_nlp):
    assert [t for t, _, _ in tech(tiny_nlp, "ARTIFICIAL INTELLIGENCE and Fiber Lasers")] == [
        "ARTIFICIAL INTELLIGENCE", "Fiber Lasers"]


def test_spans_carry_term_category_and_do_not_touch_ents(tiny_nlp):
    doc = tiny_nlp("A GPS receiver was fitted.")
    (span,) = doc.spans[TECH_KEY]
    assert span.text == "GPS receiver"
    assert span._.dualuse_category == "7A005"
    assert span._.dualuse_term == "GPS receiver"
    assert doc.ents == ()


def test_cues_are_marked(tiny_nlp):
    doc = tiny_nlp("The armed forces and civil aviation both use weather radar.")
    assert [(c.text, c.label_) for c in doc.spans[CUES_KEY]] == [
        ("armed forces", "military"), ("civil aviation", "civilian"), ("weather radar", "civilian")]


def test_pipeline_round_trips_through_disk(tiny_nlp, tmp_path):
    tiny_nlp.to_disk(tmp_path / "pipe")
    loaded = spacy.load(tmp_path / "pipe")
    text = "Synthetic aperture radars on UAVs for the warfighter."
    assert tech(loaded, text) == tech(tiny_nlp, text)
    doc = loaded(text)
    assert [c.text for c in doc.spans[CUES_KEY]] == ["warfighter"]
    assert loaded.get_pipe(TECH_KEY).terms.version == "t.1"


def test_pipeline_round_trips_through_bytes(tiny_nlp, tiny_taxonomy, tiny_cues):
    from dualuse.model.pipeline import build_pipeline

    other = build_pipeline()
    other.from_bytes(tiny_nlp.to_bytes())
    assert tech(other, "AI on a drone") == [("AI", "computing_ai", "ai"), ("drone", "aerospace_propulsion", "uav")]


def test_multiprocess_gives_identical_spans(tiny_nlp):
    texts = [f"Document {i}: UAVs with AI and radar for the armed forces." for i in range(40)]
    one = [[(s.start_char, s.end_char, s.id_) for s in d.spans[TECH_KEY]] for d in tiny_nlp.pipe(texts, n_process=1)]
    two = [[(s.start_char, s.end_char, s.id_) for s in d.spans[TECH_KEY]]
           for d in tiny_nlp.pipe(texts, n_process=2, batch_size=8)]
    assert one == two


def test_acronym_defined_in_the_document_becomes_a_mention(tiny_nlp):
    found = tech(tiny_nlp, "A synthetic aperture radar (SAR) was fitted. Later the SAR and two SARs failed.")
    assert [(t, i) for t, _, i in found] == [("synthetic aperture radar", "sar"), ("SAR", "sar"),
                                             ("SAR", "sar"), ("SARs", "sar")]


def test_parenthesis_that_is_not_an_abbreviation_is_ignored(tiny_nlp):
    assert [t for t, _, _ in tech(tiny_nlp, "Drones (DJI) and radar (2019) and SAR teams.")] == ["Drones", "radar"]


def test_exclusion_phrases_suppress_a_pattern(tiny_nlp):
    found = tech(tiny_nlp, "Frigate tuna and frigate mackerel quotas; the frigate sailed.")
    assert [(t, i) for t, _, i in found] == [("frigate", "warship")]


def test_civil_service_members_are_not_a_soldier_cue(default_nlp):
    """A Senior Executive Service performance board read as military (0.97) on "Service members"
    (dev blind 11); the cue file excludes the civil and foreign services' members."""
    def cues(text):
        doc = default_nlp(text)
        return [c.text for c in doc.spans[CUES_KEY]]
    assert cues("Appraisals for Senior Executive Service members; Foreign Service members abroad.") == []
    assert cues("Benefits for service members and veterans; a service member deployed.") == [
        "service members", "service member"]


def test_paratroopers_are_a_soldier_cue(default_nlp):
    """Night-vision goggles sized for paratroopers read as civilian (0.24) with no cue in the
    text (a smoke run on real SBIR abstracts); cues 2026.6 count paratroopers as soldiers."""
    doc = default_nlp("A viewer whose aperture fits the need of paratroopers; one paratrooper jumps.")
    assert [(c.text, c.id_) for c in doc.spans[CUES_KEY]] == [("paratroopers", "mil_soldier"),
                                                              ("paratrooper", "mil_soldier")]


def test_cue_on_the_same_words_does_not_overwrite_term_attributes(tiny_nlp):
    doc = tiny_nlp("The frigate sailed.")
    assert [c.text for c in doc.spans[CUES_KEY]] == ["frigate"]
    (span,) = doc.spans[TECH_KEY]
    assert span._.dualuse_term == "warship" and span._.dualuse_category == "ML9a"



def test_token_columns_are_read_once_per_doc_and_again_after_a_retokenizer(tiny_taxonomy, tiny_cues):
    """The components share one read of a Doc's token columns; a caller's own component that
    merges tokens between ours must not leave the later ones reading the old columns."""
    from spacy.attrs import LOWER, ORTH
    from spacy.language import Language

    from dualuse.model.components import LOWER_COL, ORTH_COL, token_columns
    from dualuse.model.pipeline import build_pipeline

    nlp = build_pipeline(tiny_taxonomy, tiny_cues)
    doc = nlp.make_doc("The big grey frigate sailed.")
    columns = token_columns(doc)
    assert token_columns(doc) is columns and columns.shape == (6, 8)
    assert columns[:, ORTH_COL].tolist() == doc.to_array(ORTH).tolist()
    assert columns[:, LOWER_COL].tolist() == doc.to_array(LOWER).tolist()

    @Language.component("test_merge_first_words")
    def merge_first_words(doc):
        with doc.retokenize() as retokenizer:
            retokenizer.merge(doc[0:3])
        return doc

    nlp.add_pipe("test_merge_first_words", after="dualuse_sentences")
    doc = nlp("The big grey frigate sailed.")
    assert len(doc) == 4 and len(token_columns(doc)) == 4
    assert [(s.text, s.start) for s in doc.spans[TECH_KEY]] == [("frigate", 1)]
    assert [c.text for c in doc.spans[CUES_KEY]] == ["frigate"]


def test_sentence_splitter_matches_spacy_sentencizer(tiny_nlp):
    reference = spacy.blank("en")
    reference.add_pipe("sentencizer")
    texts = ["Hello world. This is it!! (Really?) Yes... \"Quoted.\" Next one", "", "...", "a",
             "U.S. Army units left. Mr. Smith went home. ?! ok", "No end punctuation here",
             "Radar.\n\nLasers; drones? Fine.) Then: more. End.", ". . word", "!word. x"]
    ours = [[s.start for s in d.sents] for d in tiny_nlp.pipe(texts, batch_size=4)]
    theirs = [[s.start for s in d.sents] for d in reference.pipe(texts)]
    assert ours == theirs


def test_zoned_pipe_keeps_order_and_frees_nothing_it_returns(tiny_nlp, monkeypatch):
    from dualuse.model import zones

    monkeypatch.setattr(zones, "WARM_DOCS", 0)  # every document inside a memory zone
    texts = [f"Doc {i}: UAV number {i} and radar{i}." for i in range(25)]
    out = list(zones.pipe_in_zones(tiny_nlp, ((t, i) for i, t in enumerate(texts)), zone_size=4,
                                   consume=lambda doc, i: (i, [s.text for s in doc.spans[TECH_KEY]])))
    assert [i for i, _ in out] == list(range(25))
    assert all(spans == ["UAV"] for _, spans in out)


def test_word_names_are_read_before_each_zone_ends(monkeypatch):
    """Training looks up the text of word keys once per memory zone: every word of every zone
    gets its name (words of letters, lower case), even those whose strings the zone frees."""
    from dualuse.model import zones
    from dualuse.model.pipeline import build_pipeline
    from dualuse.training.prepare import rows_of

    monkeypatch.setattr(zones, "WARM_DOCS", 3)
    monkeypatch.setattr(zones, "ZONE_DOCS", 4)
    words = [f"Zoned{chr(97 + i)}word" for i in range(15)]  # letters only, one new word per document
    texts = [f"{w} flies the Navy drone; count {i}." for i, w in enumerate(words)]
    names = rows_of(texts, build_pipeline()).names
    for i, w in enumerate(words):
        assert names.get(spacy.strings.get_string_id(w.lower())) == w.lower()
        assert names.get(spacy.strings.get_string_id(str(i))) == ""  # not letters: no name
    assert names[spacy.strings.get_string_id("navy")] == "navy"


def test_saved_forms_are_used_only_for_the_terms_they_were_made_from(tiny_nlp, tmp_path):
    import json as _json

    tiny_nlp.to_disk(tmp_path / "p")
    forms_file = tmp_path / "p" / "dualuse_tech" / "forms.json"
    saved = _json.loads(forms_file.read_text())
    assert saved["forms"]["uav"][0] == [["UAV"], ["UAVs"]]
    # Forms that no longer match the terms (an edited terms file) are ignored, not trusted.
    saved["terms_sha256"] = "0" * 64
    saved["forms"]["uav"] = [[], [["nonsense"]]]
    forms_file.write_text(_json.dumps(saved))
    loaded = spacy.load(tmp_path / "p")
    doc = loaded("A UAV and nonsense.")
    assert [s.text for s in doc.spans[TECH_KEY]] == ["UAV"]


def test_shipped_forms_are_reused_only_when_todays_written_form_rules_made_them(tmp_path):
    """Building over the packaged lists reuses the shipped bundle's forms only if they carry the
    current ``FORMS_VERSION``; a bundle loaded from disk keeps its own forms."""
    import json as _json

    from dualuse.model import components
    from dualuse.model.pipeline import build_pipeline
    from dualuse.model.taxonomy import packaged

    ruler = build_pipeline().get_pipe(TECH_KEY)
    terms_text = "\n".join(ruler.terms.to_lines("family")) + "\n"
    shipped = packaged("default") / TECH_KEY / "forms.json"
    assert components._saved_forms(shipped, terms_text, version=components.FORMS_VERSION) is not None
    old = tmp_path / "forms.json"
    saved = _json.loads(shipped.read_text())
    saved["forms_version"] = "0"
    old.write_text(_json.dumps(saved))
    assert components._saved_forms(old, terms_text, version=components.FORMS_VERSION) is None
    assert components._saved_forms(old, terms_text) is not None  # a bundle's own forms, loaded from disk


def test_a_written_form_shared_by_two_entries_is_refused_with_both_names():
    from dualuse.model.components import token_forms
    from dualuse.model.taxonomy import TaxonomyError, parse_lines

    def entry(i, pattern):
        return json.dumps({"id": i, "name": i, "family": "robotics_autonomy", "patterns": [pattern], "source": "s"})

    header = json.dumps({"taxonomy": "mine", "version": "1"})
    tokenizer = spacy.blank("en").tokenizer
    for first, second in (("drone", "drones"), ("counter-drone", "counter drone"), ("UAV", "UAVs")):
        terms = parse_lines([header, entry("a", first), entry("b", second)], label_field="family")
        with pytest.raises(TaxonomyError, match="both 'a' and 'b'"):
            token_forms(terms, tokenizer)
    # different phrases that share words are fine
    token_forms(parse_lines([header, entry("a", "counter-drone"), entry("b", "counter-drone radar")],
                            label_field="family"), tokenizer)


def test_hashed_patterns_match_exactly_as_doc_patterns(default_nlp):
    """The rulers give the PhraseMatchers token hashes; Doc patterns must find the same spans."""
    from spacy.matcher import PhraseMatcher
    from spacy.tokens import Doc

    ruler = default_nlp.get_pipe("dualuse_tech")
    vocab = default_nlp.vocab
    as_docs = {"LOWER": PhraseMatcher(vocab, attr="LOWER"), "ORTH": PhraseMatcher(vocab, attr="ORTH")}
    for key, (exact, lower) in ruler.forms.items():
        if exact:
            as_docs["ORTH"].add(key, [Doc(vocab, words=w) for w in exact])
        if lower:
            as_docs["LOWER"].add(key, [Doc(vocab, words=w) for w in lower])
    texts = ["The Navy fields UAVs, GaN HEMT amplifiers and synthetic-aperture radars; frigate mackerel.",
             "Gas centrifuges, maraging steel and IMUs with ring laser gyros were exported to the PLA.",
             "Quantum key distribution, lidar, AESA radar and solid rocket motors (SRMs) for the C4ISR suite."]
    for doc in default_nlp.tokenizer.pipe(texts):
        hashed = sorted(ruler._lower(doc) + ruler._exact(doc))
        docs = sorted(as_docs["LOWER"](doc) + as_docs["ORTH"](doc))
        assert hashed == docs and len(hashed) >= 4


def test_a_term_broken_at_its_hyphen_is_found_and_a_cut_word_is_not_a_mention(default_nlp):
    for text in ("The move to satellite- based navigation.", "The move to satellite-\nbased navigation.",
                 "A laser-\r\nguided bomb."):
        doc = default_nlp(text)
        (span,) = doc.spans[TECH_KEY]
        assert text[span.start_char:span.end_char] == span.text and "-" in span.text
        assert span.id_ in ("satellite_navigation", "precision_guided_munition")
    # the word goes on after the break: "satellite" alone, or "uranium" before a number, is no mention
    assert tech(default_nlp, "A satellite-\nfriendly design.") == []
    assert tech(default_nlp, "Shipments of uranium- 235 under License SNM- 1373.") == []
    assert [t.text for t in default_nlp("short- and long-term")][:2] == ["short-", "and"]  # tokens untouched


def test_a_term_across_a_line_break_or_odd_spaces_is_one_mention(default_nlp):
    """Hard-wrapped text, no-break spaces, tabs and double spaces: spaCy makes each a token of its
    own, between the term's words."""
    for text in ("We built a synthetic aperture\nradar for the Navy.", "We built a synthetic aperture\r\nradar.",
                 "We built a synthetic\xa0aperture\xa0radar.", "We built a synthetic  aperture radar."):
        doc = default_nlp(text)
        (span,) = doc.spans[TECH_KEY]
        assert (span.id_, span.start_char) == ("synthetic_aperture_radar", 11)
        assert text[span.start_char:span.end_char] == span.text and span.text.endswith("radar")
    # a blank line, a form feed or a paragraph separator ends the phrase; so does a short line (a list
    # item, a heading) or a tab (a table's cell)
    for text in ("A synthetic aperture\n\nRadar section.", "A synthetic aperture\x0cRadar section.",
                 "A synthetic aperture\u2029Radar section.", "Synthetic aperture\nRadar\n",
                 "Products:\tSynthetic aperture\tRadar"):
        assert [t for t, _, _ in tech(default_nlp, text)] == ["Radar"], text
    assert [t for t, _, _ in tech(default_nlp, "Laser\nRadar\nSonar")] == ["Laser", "Radar", "Sonar"]
    # the longest match counts words, not the space tokens between them; a long term is found whole
    found = tech(default_nlp, "They field ever more capable GPS jamming\ndevices.")
    assert [(t, i) for t, _, i in found] == [("GPS jamming", "gnss_jamming")]
    found = tech(default_nlp, "Our team designs a gate-all-around field-effect\ntransistor for it.")
    assert [i for _, _, i in found] == ["gate_all_around_transistor"]
    # acronym definitions and redefinitions read across such spaces too
    found = tech(default_nlp, "An unmanned\xa0aerial\xa0vehicle\xa0(UAV) flew; the UAV landed.")
    assert [t for t, _, _ in found] == ["unmanned\xa0aerial\xa0vehicle", "UAV", "UAV"]
    assert tech(default_nlp, "Metals refined by ultrasonic\xa0vibration\xa0(USV) near the vessel; the USV process.") == []
    # a definition whose parenthesis opens the next line, after the term or after a word or two more
    found = tech(default_nlp, "A Precision Fiber Optic Gyro\n(PFOG) for navigation. The PFOG works.")
    assert [(t, i) for t, _, i in found][1:] == [("PFOG", "fibre_optic_gyroscope")] * 2
    found = tech(default_nlp, "A scene projector polarization\ncontroller\n(SPPC) is built. The SPPC works.")
    assert [t for t, _, _ in found] == ["scene projector", "SPPC", "SPPC"]
    found = tech(default_nlp, "MTAR\n(Mobile Tactical Airborne Radar) flew far away today. The MTAR landed.")
    assert [t for t, _, _ in found] == ["MTAR", "Radar", "MTAR"]


def test_chemical_reactors_are_not_nuclear_reactors(default_nlp):
    assert [i for _, _, i in tech(default_nlp, "A research reactor and a fluidized bed reactor.")] == ["nuclear_reactor"]
    assert tech(default_nlp, "Carbothermal reactors make oxygen from regolith.") == []


def test_an_acronym_whose_long_form_starts_before_or_inside_the_term_is_resolved(default_nlp):
    found = tech(default_nlp, "The Ballistic Missile Defense System (BMDS) is layered. BMDS sensors cue it.")
    assert [(t, i) for t, _, i in found if t == "BMDS"] == [("BMDS", "surface_to_air_missile")] * 2
    found = tech(default_nlp, "An infrared focal plane array (FPA) was built; the FPA is cooled.")
    assert [t for t, _, _ in found] == ["infrared focal plane array", "FPA", "FPA"]
    # letters that no run of words before the term abbreviates, or a run that crosses a comma
    assert [t for t, _, _ in tech(default_nlp, "We use a radar (VOR) beacon. VOR again.")] == ["radar"]
    assert "BD" not in [t for t, _, _ in tech(default_nlp, "Big, Defense radar (BD) units. BD.")]


def test_an_acronym_of_the_term_and_one_or_two_words_after_it_stands_for_the_term(default_nlp):
    text = ("We integrate a scene projector polarization controller (SPPC) with the rig. The SPPC is tested; "
            "a laser Doppler vibrometer (LDV) reads the panel, and two LDVs are compared.")
    found = [(t, i) for t, _, i in tech(default_nlp, text)]
    assert found.count(("SPPC", "infrared_scene_projector")) == 2
    assert found.count(("LDV", "laser")) == 1 and ("LDVs", "laser") in found
    # words naming a person, an office, a request or a review are not the technology
    for text in ("The laser safety officer (LSO) signed. The LSO left.",
                 "Each drone pilot (DP) must be certified. The DP logs flights.",
                 "Book the laser safety training (LST); the LST is on Monday.",
                 "The radar test engineer (RTE) signs; ask the RTE.",
                 "Two laser facilities (LF) opened; each LF is staffed.",
                 "Laser Focus World (LFW) reported it; LFW again.",
                 "Users file satellite access requests (SARs); each SAR is reviewed.",
                 "The Ballistic Missile Defense Review (BMDR) was published; the BMDR says little.",
                 "The radar program office (RPO) met. The RPO agreed."):
        assert not [t for t, _, _ in tech(default_nlp, text) if t.isupper() or t.endswith("s") and t[:-1].isupper()]
    # letters that only the term spells (none from the words after it) are not this rule's
    assert [t for t, _, _ in tech(default_nlp, "The radar dish (RA) turned. RA.")] == ["radar"]


def test_an_acronym_written_before_its_long_form_stands_for_the_term(default_nlp):
    text = ("The ABL (Airborne Laser) was cut, and the ABL never flew again. Ships send AIS (Automatic "
            "Identification System) messages; AIS logs are kept.")
    found = [(t, i) for t, _, i in tech(default_nlp, text)]
    assert found.count(("ABL", "laser")) == 2 and found.count(("AIS", "automatic_identification_system")) == 2
    found = [(t, i) for t, _, i in tech(default_nlp, "A multi-VED (Vacuum Electron Device) transmitter; two VEDs.")]
    assert ("VED", "travelling_wave_tube") in found and ("VEDs", "travelling_wave_tube") in found
    # two things in the parenthesis, letters the long form does not spell, or the end of a longer name
    for text in ("Receivers for GANS (Galileo and GLONASS) signals. GANS again.",
                 "The XQ (Airborne Laser) is new. XQ again.",
                 "The SPURC-MT (Microwave Terahertz) source. MT again."):
        assert not [t for t, _, _ in tech(default_nlp, text) if t.isupper() and len(t) <= 4]


def test_us_equipment_designations_are_mentions_of_the_kind_their_letters_name(default_nlp):
    text = ("The AN/TPY-2 cues it; the AN/SQQ-89(V)15 and the AN/WQX-2 listen; AN/ALE-47 dispensers, an "
            "AN/PRC-117G radio, the AN/AAQ-24 turret. The AN/UYQ-70 console and AN / APS-147 are left alone.")
    found = [(t, i) for t, _, i in tech(default_nlp, text)]
    assert [f for f in found if f[0].startswith("AN/")] == [
        ("AN/TPY-2", "radar"), ("AN/SQQ-89(V)15", "sonar"), ("AN/WQX-2", "sonar"), ("AN/ALE-47", "electronic_warfare"),
        ("AN/PRC-117", "tactical_radio"), ("AN/AAQ-24", "infrared_detector")]
    # a closing parenthesis the tokenizer left apart belongs to the designation
    assert [t for t, _, _ in tech(default_nlp, "It carries the AN/SPY-1D(V) radar.")] == ["AN/SPY-1D(V)", "radar"]


def test_defence_funders_topic_numbers_are_cues_of_their_funder(default_nlp):
    def cues(text):
        doc = default_nlp(text)
        return [(s.text, s.label_, s.id_) for s in doc.spans[CUES_KEY]]

    text = ("This Phase II effort answers SBIR topic N08-053; it builds on AF081-068, A09-081 and "
            "MDA07-005, on the STTR N08-T029 and on solicitation SB082-011.")
    assert cues(text) == [("N08-053", "military", "mil_navy"), ("AF081-068", "military", "mil_air_force"),
                          ("A09-081", "military", "mil_army"), ("MDA07-005", "military", "mil_missile_defense"),
                          ("N08-T029", "military", "mil_navy"), ("SB082-011", "military", "mil_defense_program")]
    # a quote glued to the number: the cue takes the whole token
    assert [c[2] for c in cues('Topic A09-081"Identity Management" asks for it.')] == ["mil_army"]
    # aircraft models and part numbers are not topics, and a code outside a topic-speaking document is not read
    assert cues("This phase covers the Airbus Model A330-200 and A340-300 airplanes and part N95-100.") == []
    assert cues("Replace valve A09-081 on the pump.") == []


def test_the_last_part_of_a_hyphenated_acronym_stands_for_the_term_it_abbreviates(default_nlp):
    text = ("An IMS is fast. The electrospray ionization ion mobility spectrometry (ESI-IMS) method "
            "feeds the IMS drift tube.")
    found = [(t, i) for t, _, i in tech(default_nlp, text)]
    assert found.count(("IMS", "chemical_agent_detector")) == 2  # before and after the definition
    assert ("ESI-IMS", "chemical_agent_detector") in found
    # a tail whose letters the term does not abbreviate stays unresolved
    assert "IM" not in [t for t, _, _ in tech(default_nlp, "The phased array radar (PAR-IM) and the IM.")]


def test_control_list_codes_cited_in_a_document_are_found_with_their_list():
    from dualuse.model.codes import find_codes

    text = ("Items under ECCN 3A001.b.5 and 5A992.c, or EAR99. See ML10.a, USML Category XI(c), the "
            "U.S. Munitions List (USML) Category IV and MTCR Category I items; the 0Y521 series.")
    found = [(c["code"], c["list"]) for c in find_codes(text, offset=100)]
    assert found == [("3A001.b.5", "dual-use (ECCN)"), ("5A992.c", "dual-use (ECCN)"), ("EAR99", "EAR99"),
                     ("ML10.a", "Military List"), ("USML Category XI(c)", "US Munitions List"),
                     ("USML Category IV", "US Munitions List"),
                     ("MTCR Category I", "MTCR Annex"), ("0Y521", "dual-use (ECCN)")]
    assert all(text[c["start"] - 100:c["end"] - 100] == c["code"] for c in find_codes(text, offset=100)
               if c["list"] not in ("US Munitions List", "MTCR Annex"))
    assert text[find_codes(text)[5]["start"]:].startswith("U.S. Munitions List (USML) Category IV")
    # categories of other lists, part numbers and ordinary words are not codes
    assert find_codes("Category II petitions, a Category IV bank, part 3A001X, ML23, v1.2A100, HTML5, "
                      "1x105 cells, a 1x128 array, 2Y521.") == []
    assert [c["code"] for c in find_codes("the 9x515 and 3x611 series")] == ["9x515", "3x611"]
    plural = "revise Categories I (firearms, guns), II (guns and armament), and III of the USML; Category XII of the"
    plural += " U.S. Munitions List. The MTCR Annex as Category II items. U.S. Munitions List Categories IV and V."
    found = find_codes(plural)
    assert [c["code"] for c in found] == ["USML Category I", "USML Category II", "USML Category III",
                                          "USML Category XII", "MTCR Category II", "USML Category IV",
                                          "USML Category V"]
    assert [plural[c["start"]:c["end"]] for c in found[:4]] == ["I", "II", "III", "XII"]
    assert [c["code"] for c in find_codes("USML Category XI of the USML")] == ["USML Category XI"]
    # forms a reviewer found: deeper sub-paragraphs, the MTCR named after, lower case, and
    # scientific notation or course names that look like codes
    found = find_codes("USML Category XI(a)(3)(i); Category I of the MTCR Annex; USML category XII; "
                       "a googol is 1E100; ML 1 and ML 2 are courses; see 3A001.pdf; ECCN 1E001.")
    assert [c["code"] for c in found] == ["USML Category XI(a)(3)(i)", "MTCR Category I", "USML Category XII",
                                          "3A001", "1E001"]
    # a run of numeral letters has one reading (it once took exponential time)
    assert find_codes("Category " + "X" * 60) == [] and find_codes("Categories " + "I" * 80 + " of the USML") == []


def test_the_broken_hyphen_flag_has_its_own_bit_and_marks_only_words_ending_with_a_hyphen():
    """spaCy's add_flag, left to choose, took bit 1 (IS_ALPHA) in a pipeline with lean lexemes:
    words of tokenizer exceptions ("can" and "not" of "cannot") then read as broken hyphens, and
    one of them crashed the matcher's view of the document."""
    from spacy.attrs import FLAG19

    from dualuse.model.components import _hyphen_flag
    from dualuse.model.pipeline import build_pipeline

    nlp = build_pipeline()  # a fresh pipeline: the flag is added to this vocabulary now
    doc = nlp("We cannot say i'm sure, but a satellite-\nbased navigation unit works. I can't.")
    flag = _hyphen_flag(nlp.vocab)
    assert flag >= FLAG19
    assert [t.text for t in doc if t.check_flag(flag)] == ["satellite-"]
    assert [s.text for s in doc.spans[TECH_KEY]] == ["satellite-\nbased navigation"]


def test_well_known_military_designations_are_mentions_and_lookalikes_are_not(default_nlp):
    found = {t: i for t, _, i in tech(default_nlp, "Parts for the F-35B, the MH-60R and SM-3 Block IIA; "
                                                   "USS CARL M. LEVIN (DDG 120) and the DDG51 class.")}
    assert found == {"F-35B": "combat_aircraft", "MH-60R": "attack_helicopter", "SM-3": "surface_to_air_missile",
                     "DDG 120": "warship", "DDG51": "warship"}
    # sub-models of a civil helicopter, a visa, a person and a pain-relief company are not
    assert tech(default_nlp, "MBB-BK117 B-2 helicopters; an F-1 visa; Bradley Moore; Stryker Corporation.") == []


# Kinds of mention the sixth to ninth blind batches of real text found missing, one text each.
BATCH_KINDS = [
    ("BMDS sensors cue the SM3 kill vehicle's divert thrusters; a Marx generator feeds the pulsed power unit; "
     "polymer matrix composites; an optical parametric oscillator; a dexterous manipulator; magnetized target fusion.",
     [("BMDS", "surface_to_air_missile"), ("SM3", "surface_to_air_missile"), ("kill vehicle", "surface_to_air_missile"),
      ("divert thrusters", "divert_attitude_control_system"), ("Marx generator", "pulsed_power"),
      ("pulsed power", "pulsed_power"), ("polymer matrix composites", "polymer_matrix_composite"),
      ("optical parametric oscillator", "nonlinear_frequency_conversion"), ("dexterous manipulator", "industrial_robot"),
      ("magnetized target fusion", "fusion_reactor")]),
    ("An InGaAs photodiode, a low-noise amplifier (LNA) and a phase shifter; surface-enhanced Raman spectroscopy "
     "(SERS) finds traces; uninhabited aerial vehicles; uncooled photodetectors; a shape memory alloy.",
     [("InGaAs photodiode", "indium_arsenide_gallium"), ("low-noise amplifier", "microwave_low_noise_amplifier"),
      ("LNA", "microwave_low_noise_amplifier"), ("phase shifter", "microwave_phase_shifter"),
      ("surface-enhanced Raman spectroscopy", "surface_enhanced_raman"), ("SERS", "surface_enhanced_raman"),
      ("uninhabited aerial vehicles", "unmanned_aerial_vehicle"), ("uncooled photodetectors", "microbolometer"),
      ("shape memory alloy", "shape_memory_alloy")]),
    ("Carbon nanotubes (CNTs) for superconductor chips; ALON and spinel domes; the Small Diameter Bomb; the Soldier "
     "Radio Waveform; Compton imaging tomography; RF photonics; biological threat agents and an expert system.",
     [("Carbon nanotubes", "carbon_nanotube"), ("CNTs", "carbon_nanotube"),
      ("superconductor chips", "superconducting_electronics"), ("ALON", "transparent_ceramic"),
      ("spinel domes", "transparent_ceramic"), ("Small Diameter Bomb", "precision_guided_munition"),
      ("Soldier Radio Waveform", "tactical_radio"), ("Compton imaging tomography", "compton_imaging"),
      ("RF photonics", "microwave_photonics"), ("biological threat agents", "biological_weapon"),
      ("expert system", "expert_system")]),
    ("The ROIC of the infrared detector; a MAD boom for submarine search; metal matrix composite gun barrels; "
     "III-V epitaxy. The ROIC and MAD figures (context words are near: they count).",
     [("ROIC", "readout_integrated_circuit"), ("infrared detector", "infrared_detector"),
      ("MAD boom", "magnetic_anomaly_detector"), ("submarine", "submarine"),
      ("metal matrix composite", "metal_matrix_composite"), ("gun barrels", "gun_barrel"),
      ("III-V epitaxy", "iii_v_semiconductor"), ("ROIC", "readout_integrated_circuit"),
      ("MAD", "magnetic_anomaly_detector")]),
    ("Return on invested capital (ROIC) and mean absolute deviation (MAD) were reported.", []),
    ("Airframes for hypersonic flight carry JP-10; AlGaN and aluminum nitride (AlN) layers; an HTS magnet; THz "
     "radiation; ASW sonobuoys for the Navy; genetic engineering.",
     [("hypersonic flight", "hypersonic_flight"), ("JP-10", "military_jet_fuel"), ("AlGaN", "aluminium_nitride"),
      ("aluminum nitride", "aluminium_nitride"), ("AlN", "aluminium_nitride"), ("HTS magnet", "superconducting_magnet"),
      ("THz radiation", "terahertz_device"), ("ASW", "anti_submarine_warfare"), ("sonobuoys", "sonobuoy"),
      ("genetic engineering", "genetic_engineering")]),
    ("An ASW-15 glider got a new tow hook.", []),
    ("The ablative TPS of a reentry capsule; Ballistic Missile Defense (BMD) radars; VTOL air vehicles with reaction "
     "wheels; hypergolic fuels and N2O4; a monopulse antenna; reserve thermal batteries.",
     [("ablative TPS", "heat_shield"), ("Ballistic Missile Defense", "surface_to_air_missile"),
      ("BMD", "surface_to_air_missile"), ("radars", "radar"), ("VTOL", "vtol_aircraft"),
      ("reaction wheels", "reaction_wheel"), ("hypergolic fuels", "hypergolic_propellant"), ("N2O4", "nitrogen_tetroxide"),
      ("monopulse antenna", "radar"), ("reserve thermal batteries", "reserve_battery")]),
    ("Temporary Protected Status (TPS) holders; bone mineral density (BMD) scans.", []),
    # batch 12
    ("Network Intrusion Detection Systems (NIDS) guard the enclave; each NIDS logs alerts. Cavity ring-down "
     "spectroscopy (CRDS) analyzers see ppb traces. Thermites of CuO with nano-Al powders; ceramic armor; "
     "multi-level security; a DSP/FPGA/SDR radio board; MEMs fuzes.",
     [("Network Intrusion Detection Systems", "network_intrusion_detection"), ("NIDS", "network_intrusion_detection"),
      ("NIDS", "network_intrusion_detection"), ("Cavity ring-down spectroscopy", "cavity_ring_down_spectroscopy"),
      ("CRDS", "cavity_ring_down_spectroscopy"), ("Thermites", "thermite"), ("nano-Al", "nano_aluminium_powder"),
      ("ceramic armor", "body_armour"), ("multi-level security", "cross_domain_solution"), ("FPGA", "fpga"),
      ("SDR", "software_defined_radio"), ("MEMs", "mems_device"), ("fuzes", "fuze")]),
    ("The IMF allocated SDR holdings to members; the nano-Al alloy plates were rolled.", []),
    # batch 13
    ("Infrared (IR) sensors and IR photodetectors; evolutionary algorithms; an anti-jam radio; bipropellant, "
     "hypergolic thrusters burning MMH/NTO; phase-stabilized ammonium nitrate (PSAN) inflators.",
     [("Infrared (IR) sensors", "infrared_detector"), ("IR photodetectors", "infrared_detector"),
      ("evolutionary algorithms", "machine_learning"), ("anti-jam radio", "anti_jam_communications"),
      ("bipropellant", "liquid_rocket_engine"), ("hypergolic", "hypergolic_propellant"),
      ("MMH", "hydrazine_derivative_fuels"), ("NTO", "nitrogen_tetroxide"),
      ("phase-stabilized ammonium nitrate", "ammonium_nitrate"), ("PSAN", "ammonium_nitrate")]),
    ("The NTO filed its annual report.", []),
    # batch 14
    ("Gen-IV reactors and high temperature gas-cooled reactors; RPG and mortar attacks; an EM rail gun; a passive "
     "SWIR polarimeter; point contact fuzing; the Trusted Platform Module (TPM); ceramic fiber reinforced composite "
     "windows; optical beam control systems; a Bayesian belief network.",
     [("Gen-IV reactors", "reactor_type"), ("high temperature gas-cooled reactors", "reactor_type"),
      ("RPG", "anti_tank_weapon"), ("mortar attacks", "mortar_weapon"), ("EM rail gun", "railgun"),
      ("SWIR polarimeter", "imaging_polarimetry"), ("fuzing", "fuze"),
      ("Trusted Platform Module", "hardware_security_module"), ("TPM", "hardware_security_module"),
      ("ceramic fiber reinforced composite", "ceramic_matrix_composite"), ("optical beam control systems", "beam_control"),
      ("Bayesian belief network", "machine_learning")]),
    ("The RPG fans met at the game store.", []),
    # batch 15
    ("Radiation hardened (RH) non-volatile memory: RH FeRAM and SONOS cells; thermoplastic matrix composites "
     "(TPMCs); MH-6 windscreens; the IADS threat radars; unmanned vehicles and other autonomous systems; the "
     "Rifleman Radio; THz array receivers; a VECSEL; MgAl2O4 spinel; unsupervised learning.",
     [("Radiation hardened", "radiation_hardened_electronics"), ("RH", "radiation_hardened_electronics"),
      ("RH", "radiation_hardened_electronics"), ("FeRAM", "memory_chip"), ("SONOS", "memory_chip"),
      ("thermoplastic matrix composites", "polymer_matrix_composite"), ("TPMCs", "polymer_matrix_composite"),
      ("MH-6", "attack_helicopter"), ("IADS", "surface_to_air_missile"), ("radars", "radar"),
      ("unmanned vehicles", "uncrewed_system"), ("autonomous systems", "uncrewed_system"),
      ("Rifleman Radio", "tactical_radio"), ("THz array receivers", "terahertz_device"), ("VECSEL", "semiconductor_laser"),
      ("MgAl2O4 spinel", "transparent_ceramic"), ("unsupervised learning", "machine_learning")]),
    ("Mobile networks act as autonomous systems under BGP; the toolbox plugs into IADS for flight-test data.", []),
    ("Lime mortar was used for the old wall.", []),
    # batch 16
    ("Warning sensors and countermeasures against MANPADs, RPGs and small arms fire with tracers; electrical loads "
     "in the modern fighter's cockpit; a linac X-ray source for cargo containers; a moored acoustic array; "
     "hierarchical temporal memory; mobile ad hoc mesh networks; an infrared scene projector; electron beam "
     "melting; a bi-directional converter; a bio-terror agent.",
     [("Warning sensors", "aircraft_missile_protection"), ("countermeasures", "aircraft_missile_protection"),
      ("MANPADs", "manpads"), ("RPGs", "anti_tank_weapon"), ("small arms", "firearm"), ("tracers", "ammunition"),
      ("fighter", "combat_aircraft"), ("linac X-ray source", "inspection_xray_source"),
      ("moored acoustic array", "hydrophone"), ("hierarchical temporal memory", "machine_learning"),
      ("ad hoc mesh networks", "mobile_ad_hoc_network"), ("infrared scene projector", "infrared_scene_projector"),
      ("electron beam melting", "vacuum_melting_furnace"), ("bi-directional converter", "power_electronics"),
      ("bio-terror agent", "biological_weapon")]),
    ("The war fighter and fire fighters need medical countermeasures; PET tracers image the tumour; the X-ray "
     "source of the mammography unit.", []),
    # batch 17
    ("Unmanned Aerial Systems carry SWIR imagers and a W-band ESA radar antenna with MTI and SAR modes; degraded "
     "position, navigation and timing (PNT); weaponized plague and Yersinia pestis; bioagents; IM7 fibers in "
     "out-of-autoclave composite structures; superconducting motors for turboelectric propulsion; PMN-PT "
     "cylindrical transducers for sonar; track-before-detect.",
     [("Unmanned Aerial Systems", "unmanned_aerial_vehicle"), ("SWIR", "swir_camera"), ("ESA", "aesa_radar"),
      ("radar", "radar"), ("MTI", "radar"), ("SAR", "synthetic_aperture_radar"),
      ("position, navigation and timing", "pnt"), ("PNT", "pnt"), ("plague", "yersinia_pestis"),
      ("Yersinia pestis", "yersinia_pestis"), ("bioagents", "biological_weapon"), ("IM7 fibers", "carbon_fibre"),
      ("out-of-autoclave composite", "polymer_matrix_composite"),
      ("superconducting motors", "superconducting_material"), ("turboelectric propulsion", "electric_aircraft_propulsion"),
      ("PMN-PT", "piezoelectric_single_crystal"), ("cylindrical transducers", "sonar_transducer"),
      ("sonar", "sonar"), ("track-before-detect", "radar")]),
    ("Problems that plague the industry; the ESA mission to Jupiter; the SAR filed by the bank.", []),
    # batch 18
    ("Lightweight armor and ballistic protection for rocket motors; the Active Denial System; supercomputing; "
     "electrospray thrusters and small thrusters for cubesats; a robot's manipulators; penetrator explosive "
     "formulations; a dry deck shelter; an LPD waveform for tactical radios; adaptive beamforming; solid-state "
     "switches; loading fuel into the reactor under the NRC licence.",
     [("Lightweight armor", "armour_plate"), ("ballistic protection", "armour_plate"),
      ("rocket motors", "rocket_engine"), ("Active Denial System", "directed_energy_weapon"),
      ("supercomputing", "supercomputer"), ("electrospray thrusters", "spacecraft_electric_propulsion"),
      ("thrusters", "spacecraft_electric_propulsion"), ("cubesats", "small_satellite"),
      ("robot", "robot"), ("manipulators", "industrial_robot"),
      ("penetrator explosive", "energetic_material"), ("dry deck shelter", "manned_submersible"),
      ("LPD waveform", "low_probability_of_intercept"), ("tactical radios", "tactical_radio"),
      ("adaptive beamforming", "phased_array_antenna"), ("solid-state switches", "power_electronics"),
      ("reactor", "nuclear_reactor")]),
    ("A non-explosive emulsion for potentially explosive atmospheres; the chemical reactor spent its catalyst; "
     "armored cable; the bow thruster of the ferry.", []),
    # batch 19
    ("Leaks of MMH and MON near the thrusters; EA/ES/EP techniques; an imaging Fourier transform "
     "spectrometer; high temperature titanium impellers; a hybrid electric gun; the TRIGA reactor.",
     [("MMH", "hydrazine_derivative_fuels"), ("MON", "nitrogen_tetroxide"), ("EA/ES/EP", "electronic_warfare"),
      ("imaging Fourier transform spectrometer", "hyperspectral_imaging"),
      ("high temperature titanium", "titanium_alloy"), ("hybrid electric gun", "railgun"),
      ("TRIGA reactor", "nuclear_reactor")]),
    ("See you on MON at noon.", []),
    # batch 20
    ("The Cell BE processor; intrusion prevention/detection; a point-of-load (POL) converter, the POL; HgCdTe "
     "FPA process flows for infrared detectors; CdZnTe substrates; fiber amplifiers pumped by diode bar stacks "
     "with coherent beam combining; hardened-by-isolation SRAM; a Virtex FPGA; II--guns and armament, "
     "III--ammunition.",
     [("Cell BE processor", "microprocessor"), ("intrusion prevention/detection", "network_intrusion_detection"),
      ("point-of-load", "power_electronics"), ("POL", "power_electronics"), ("POL", "power_electronics"),
      ("HgCdTe", "hgcdte_detector"), ("FPA", "focal_plane_array"), ("infrared detectors", "infrared_detector"),
      ("CdZnTe substrates", "hgcdte_detector"), ("fiber amplifiers", "fibre_laser"), ("diode bar stacks", "semiconductor_laser"),
      ("coherent beam combining", "high_power_laser"), ("hardened-by-isolation", "radiation_hardened_electronics"),
      ("SRAM", "memory_chip"), ("Virtex", "fpga"), ("FPGA", "fpga"), ("guns", "artillery"), ("armament", "artillery"),
      ("ammunition", "ammunition")]),
    ("Photoelectron guns and RF guns feed the accelerator; the Air Armament Center; FPA membership fees.", []),
    # batch 21
    ("Propellant, explosive, and pyrotechnic (PEP) wastes; the PEP waste; alphaviruses; CWA simulants; a "
     "submarine EW system; specific emitter identification; FMCW; the missile seeker; a through-bulkhead "
     "initiator; HfC and TaC; the nozzle throat; Sb-Be neutron source assemblies.",
     [("Propellant, explosive, and pyrotechnic", "energetic_material"), ("PEP", "energetic_material"),
      ("PEP", "energetic_material"), ("alphaviruses", "venezuelan_equine_encephalitis_virus"),
      ("CWA", "chemical_warfare_agent"), ("submarine", "submarine"), ("EW system", "electronic_warfare"),
      ("specific emitter identification", "electronic_warfare"), ("FMCW", "radar"),
      ("missile seeker", "missile_seeker"), ("through-bulkhead initiator", "detonator"),
      ("HfC", "ultra_high_temperature_ceramic"), ("TaC", "ultra_high_temperature_ceramic"),
      ("nozzle throat", "rocket_nozzle"), ("Sb-Be", "neutron_generator"),
      ("neutron source assemblies", "neutron_generator")]),
    ("Section 311 of the Clean Water Act (CWA); the CWA applies. Perchlorate in lettuce; the Spallation Neutron "
     "Source.", []),
    # batch 22
    ("Our warhead exploits the thermobaric effect with reactive materials. The SAR sensor needs high chirp rates. "
     "The Navy Next Generation Countermeasure (NGCM) is a 3-inch ADC MK4.",
     [("warhead", "warhead"), ("thermobaric effect", "thermobaric_explosive"), ("reactive materials", "energetic_material"),
      ("SAR sensor", "synthetic_aperture_radar"), ("Next Generation Countermeasure", "torpedo_countermeasure"),
      ("NGCM", "torpedo_countermeasure"), ("ADC MK4", "torpedo_countermeasure")]),
    ("Geiger-mode avalanche diodes and negative feedback avalanche diodes (NFADs). A heavy fuel engine (HFE) powers "
     "the Army FCS class II OAV. Unmanned aircraft like the Predator carry a magnetic anomaly gradiometer.",
     [("Geiger-mode avalanche diodes", "avalanche_photodiode"),
      ("negative feedback avalanche diodes", "avalanche_photodiode"), ("NFADs", "avalanche_photodiode"),
      ("heavy fuel engine", "heavy_fuel_engine"), ("HFE", "heavy_fuel_engine"), ("OAV", "unmanned_aerial_vehicle"),
      ("Unmanned aircraft", "unmanned_aerial_vehicle"), ("Predator", "male_hale_uav"),
      ("gradiometer", "magnetic_gradiometer")]),
    ("BIS added controls on cybersecurity items. Tracking post-burnout debris of solid motors in missile tests.",
     [("cybersecurity items", "cybersecurity_items"), ("solid motors", "solid_rocket_motor"), ("missile", "missile")]),
    # and what must stay unmarked: wood chips, biomass reprocessing, a predator without aircraft near it
    ("Feedstocks include wood chips. Reprocessing technologies for biomass pellets. The predator fish ate.", []),
    # batch 23
    ("AEER and IEER-type acoustic sources fit the sonobuoy; an echo repeater. A Geiger-Mueller tube and radiation "
     "sensors. The high-pressure turbine (HPT) disk; the HPT blades. GPS jamming by a jammer; the jamming of links.",
     [("AEER", "sonobuoy"), ("IEER", "sonobuoy"), ("sonobuoy", "sonobuoy"), ("echo repeater", "sonobuoy"),
      ("Geiger-Mueller tube", "radiation_detector"), ("radiation sensors", "radiation_detector"),
      ("high-pressure turbine", "gas_turbine_engine"), ("HPT", "gas_turbine_engine"), ("HPT", "gas_turbine_engine"),
      ("GPS jamming", "gnss_jamming"), ("jammer", "radio_jammer"), ("jamming", "radio_jammer")]),
    ("Reports of nose wheel steering hydraulic motors jamming during pushback; the core jamming in the drill tube.", []),
    # batch 24
    ("The Massive Ordnance Penetrator (MOP) and a hardened target penetrator; the TB-29A towed array; Navy "
     "electronic support (ES) receivers; computer network defense (CND); plastic scintillators for portal monitors "
     "detecting gamma radiation; environmental barrier coatings (EBCs); a canard actuation system; fuel rod "
     "cladding. Non-inertial sensors on the warhead.",
     [("Massive Ordnance Penetrator", "aerial_bomb"), ("MOP", "aerial_bomb"), ("penetrator", "kinetic_energy_penetrator"),
      ("TB-29A", "towed_array_sonar"), ("towed array", "towed_array_sonar"),
      ("electronic support", "radar_warning_receiver"), ("ES", "electronic_warfare"), ("computer network defense", "cyber_warfare"), ("CND", "cyber_warfare"),
      ("plastic scintillators", "radiation_detector"), ("portal monitors", "radiation_detector"),
      ("environmental barrier coatings", "ceramic_matrix_composite"), ("EBCs", "ceramic_matrix_composite"),
      ("canard actuation system", "precision_guided_munition"), ("fuel rod cladding", "nuclear_fuel"),
      ("warhead", "warhead")]),
    # batches 25 and 26
    ("A multi-sensor non-cooperative target recognition (NCTR) system identifies aircraft. Airplanes with a "
     "multi-mode receiver (MMR); the primary flight control system; an attitude/orbit determination and control "
     "system (AODCS) for spacecraft; a suborbital RLV for launch. The Sectera Edge SME-PED and STU-III phones; "
     "gamma ray detectors; hydrogen peroxide monopropellant.",
     [("non-cooperative target recognition", "ncti"), ("NCTR", "ncti"), ("multi-mode receiver", "gnss_receiver"),
      ("MMR", "gnss_receiver"), ("primary flight control system", "flight_control_computer"),
      ("attitude/orbit determination and control system", "spacecraft_attitude_control"),
      ("AODCS", "spacecraft_attitude_control"), ("spacecraft", "satellite"), ("RLV", "space_launch_vehicle"),
      ("Sectera Edge", "secure_telephone"), ("SME-PED", "secure_telephone"), ("STU-III", "secure_telephone"),
      ("gamma ray detectors", "radiation_detector"), ("hydrogen peroxide", "hydrogen_peroxide"),
      ("monopropellant", "propellant")]),
    # unmarked: an act's name, the missile-technology control reason, peroxide as a disinfectant, names of
    # laboratories, directorates and offices
    ("Forms under the National Firearms Act. UAS controlled for Missile Technology (MT) reasons. Hydrogen peroxide "
     "gas decontamination. The University of Michigan Integrated Circuits Laboratory, AFRL's Space Vehicles "
     "Directorate and the National Artificial Intelligence Initiative Office.",
     [("UAS", "unmanned_aerial_vehicle")]),
    # a program office is named for its system, which stays a mention
    ("Raytheon and the SM3 Program Office.", [("SM3", "surface_to_air_missile")]),
    # nor in the name of an association, institute, society, foundation, consortium or alliance
    ("The American Pyrotechnics Association, the Beckman Laser Institute, the Satellite Industry Association and "
     "the Genome Editing Consortium wrote; pyrotechnics and lasers were discussed.",
     [("pyrotechnics", "pyrotechnics"), ("lasers", "laser")]),
    # batches 27 and 28
    ("Photon-counting cadmium telluride (CdTe) detectors; lanthanide halides outshine NaI:Tl. The Navy Unmanned "
     "Combat Air System (N-UCAS). A GaN S-band power amplifier (PA) for radar. Wide Area Persistent Surveillance "
     "(WAPS) imaging. A master oscillator power amplifier (MOPA). GPR surveys of buried utilities; IR cameras.",
     [("cadmium telluride", "radiation_detector"), ("CdTe", "radiation_detector"),
      ("lanthanide halides", "radiation_detector"), ("NaI:Tl", "radiation_detector"),
      ("Navy Unmanned Combat Air System", "combat_drone"), ("N-UCAS", "combat_drone"), ("GaN", "gallium_nitride"),
      ("power amplifier", "solid_state_power_amplifier"), ("PA", "solid_state_power_amplifier"), ("radar", "radar"),
      ("Wide Area Persistent Surveillance", "wide_area_surveillance"), ("WAPS", "wide_area_surveillance"),
      ("master oscillator power amplifier", "laser"), ("MOPA", "laser"), ("GPR", "ground_penetrating_radar"),
      ("IR cameras", "thermal_imaging_camera")]),
    # unmarked: CdTe solar cells, an audio power amplifier, a committee's name
    ("CdTe thin-film solar cells. The audio power amplifier of the speaker. The National Artificial Intelligence "
     "Advisory Committee met.", []),
    # batches 29 and 30
    ("Thermal analysis of spacecrafts. A 2 GSPS analog-to-digital data converter (ADC) with 11 ENOB; the ADCs. "
     "Track fusion and T2T fusion; Metal Digital Direct Manufacturing (MDDM); supercontinuum generation (SCG); "
     "anti-forensics; the low-pressure turbine (LPT); a remotely piloted helicopter; adaptive resonance theory.",
     [("spacecrafts", "satellite"), ("analog-to-digital data converter", "analog_to_digital_converter"),
      ("ADC", "analog_to_digital_converter"), ("ADCs", "analog_to_digital_converter"),
      ("Track fusion", "sensor_data_fusion"), ("T2T fusion", "sensor_data_fusion"),
      ("Metal Digital Direct Manufacturing", "additive_manufacturing"), ("MDDM", "additive_manufacturing"),
      ("supercontinuum generation", "laser"), ("SCG", "laser"), ("anti-forensics", "cyber_warfare"),
      ("low-pressure turbine", "gas_turbine_engine"), ("LPT", "gas_turbine_engine"),
      ("remotely piloted helicopter", "unmanned_aerial_vehicle"), ("adaptive resonance theory", "neural_network")]),
    # unmarked: an antibody-drug conjugate, moons, laser capture microdissection, a patient's night vision
    ("Antibody-drug conjugate (ADC) therapy; the ADC binds. Missions to planets and satellites such as Titan. Laser "
     "capture microdissection of tissue. Lenses that lower night vision and color perception for patients.", []),
    # batches 31 and 32
    ("The Transformational Satellite Communications System (TSAT) downlink. III-Nitride heterostructure field-effect "
     "transistors (HFETs). Betavoltaic batteries; microwave tubes; digital warning receivers; the Space Fence; high "
     "powered microwave (HPM); High-Level Information Fusion (HLIF); molecular layer deposition (MLD); the SSN 688I "
     "and Virginia Class.",
     [("Transformational Satellite Communications System", "satellite_communications"),
      ("TSAT", "satellite_communications"), ("III-Nitride", "aluminium_nitride"),
      ("heterostructure field-effect transistors", "gan_transistor"),
      ("HFETs", "gan_transistor"), ("Betavoltaic batteries", "betavoltaic_battery"),
      ("microwave tubes", "travelling_wave_tube"), ("digital warning receivers", "radar_warning_receiver"),
      ("Space Fence", "radar"), ("high powered microwave", "high_power_microwave_weapon"),
      ("HPM", "high_power_microwave_weapon"), ("High-Level Information Fusion", "sensor_data_fusion"),
      ("HLIF", "sensor_data_fusion"), ("molecular layer deposition", "atomic_layer_deposition"),
      ("MLD", "atomic_layer_deposition"), ("SSN 688I", "nuclear_powered_submarine"),
      ("Virginia Class", "nuclear_powered_submarine")]),
    # unmarked: airspace classes of a state, low-power electronics, electron cyclotron heating
    ("Roanoke, Virginia Class D airspace. Ultra low-power electronics. Plasma heating by electron cyclotron heating.", []),
    ("Thermal barrier coatings (TBCs) on the combustor liner of a turbine engine; small gas turbines for expendable UAV "
     "propulsion; the Navy's F-18 squadron; the Joint STARS and JLENS; the Cooperative Engagement Capability; the Husky "
     "Mounted Detection System; Distributed Common Ground System (DCGS-A) multi-source fusion; ESM receivers against "
     "radar emitters; GPS spoofing and spoofers; homemade explosives (HMEs) in IEDs; hyperspectral detection; "
     "autonomous flight; the nation's nuclear deterrent.",
     [("Thermal barrier coatings", "thermal_barrier_coating"), ("TBCs", "thermal_barrier_coating"),
      ("combustor liner", "turbine_combustor"), ("turbine engine", "gas_turbine_engine"),
      ("gas turbines", "gas_turbine_engine"), ("UAV", "unmanned_aerial_vehicle"), ("F-18", "combat_aircraft"),
      ("Joint STARS", "military_transport_aircraft"), ("JLENS", "radar"),
      ("Cooperative Engagement Capability", "tactical_data_link"), ("Husky Mounted Detection System", "mine_detection"),
      ("Distributed Common Ground System", "sensor_data_fusion"), ("DCGS-A", "sensor_data_fusion"),
      ("multi-source fusion", "sensor_data_fusion"), ("ESM receivers", "radar_warning_receiver"), ("radar", "radar"),
      ("GPS spoofing", "gnss_spoofing"), ("spoofers", "gnss_spoofing"), ("homemade explosives", "energetic_material"),
      ("HMEs", "energetic_material"), ("IEDs", "improvised_explosive_device"),
      ("hyperspectral detection", "hyperspectral_imaging"), ("autonomous flight", "autonomous_navigation"),
      ("nuclear deterrent", "nuclear_weapon")]),
    # unmarked: fluorine-18 in PET tracers, protein and pine chips, an engineering development model (EDM), a
    # centrifuge for g-tests, power-plant gas turbines, fluidized bed combustors
    ("F-18 labeled peptides for PET imaging of tumors; protein chips and pine chips; an EDM prototype for the Phase "
     "II option; two centrifuge rotor platforms for tests; stationary gas turbines at power plants; fluidized bed "
     "combustors.", []),
    # batches 35 and 36
    ("GPS receivers for the navigation warfare (NAVWAR) fight, also serving Galileo users; the Joint Tactical Radio "
     "System Ground Mobile Radios (JTRS GMR) waveforms; cold atom sensors; a source of spectrally pure photon pairs; "
     "Hardened-by-Process SRAM; SSQ-125 sonobuoys; buried and moored mines threaten Navy ships; the Kinetic Energy "
     "Interceptor.",
     [("GPS receivers", "gnss_receiver"), ("navigation warfare", "gnss_jamming"), ("NAVWAR", "gnss_jamming"),
      ("Galileo", "satellite_navigation"), ("Joint Tactical Radio System", "tactical_radio"),
      ("Ground Mobile Radios", "tactical_radio"), ("JTRS GMR", "tactical_radio"),
      ("cold atom sensors", "laser_cooling_apparatus"), ("photon pairs", "entangled_photon_source"),
      ("Hardened-by-Process", "radiation_hardened_electronics"), ("SRAM", "memory_chip"), ("SSQ-125", "sonobuoy"),
      ("sonobuoys", "sonobuoy"), ("moored mines", "naval_mine"), ("Navy ships", "warship"),
      ("Kinetic Energy Interceptor", "surface_to_air_missile")]),
    # unmarked: oligonucleotide drugs, locked nucleic acid (LNA) probes, an act's name, the astronomer, coal mines,
    # giant magnetoresistance (GMR)
    ("Antisense oligonucleotide drug products; LNA-modified probes for RNA assays; the Nuclear Waste Policy Act; "
     "Galileo's telescope; coal mines in Kentucky; GMR read heads in hard drives.", []),
    # batches 37 and 38
    ("Channel models for the Mobile User Objective System (MUOS); emitter localization; an IFF transponder for combat "
     "aircraft; the magnetic launcher; JTRS waveforms such as WNW and SRW; the Ex-Enterprise (CVN 65); Botulinum "
     "neurotoxin (BoNT) assays; pump diode arrays; T-45 hook shanks; conventional weapons buried in soil.",
     [("Mobile User Objective System", "satellite_communications"), ("MUOS", "satellite_communications"),
      ("emitter localization", "radio_direction_finding"), ("IFF transponder", "iff"),
      ("combat aircraft", "combat_aircraft"), ("magnetic launcher", "railgun"), ("JTRS", "tactical_radio"),
      ("WNW", "tactical_radio"), ("SRW", "tactical_radio"), ("CVN 65", "aircraft_carrier"),
      ("Botulinum neurotoxin", "botulinum_toxin"), ("BoNT", "botulinum_toxin"),
      ("pump diode arrays", "semiconductor_laser"), ("T-45", "military_trainer_aircraft"),
      ("conventional weapons", "conventional_weapon")]),
    # unmarked: assembly, integration and test, television satellite carriers, a register's and a center's name,
    # IFF without a word of its sense
    ("Assembly, integration and test (AI/T) of optics; satellite carriers pay royalties; ships stricken from the Naval "
     "Vessel Register; data from the Missile Defense Data Center; the IFF of a tax form.", []),
    # batches 39 and 40
    ("The MQ-8 Fire Scout; ground moving target indicator (GMTI) radar; diode-pumped alkali lasers (DPALs); flame "
     "stability in augmenters; green monopropellants such as AF-M315E and ADN for thrusters; fiber reinforced polymer "
     "composites; F-15C/D and remotely operated aircraft.",
     [("MQ-8", "unmanned_aerial_vehicle"), ("Fire Scout", "unmanned_aerial_vehicle"),
      ("ground moving target indicator", "radar"), ("GMTI", "radar"), ("radar", "radar"),
      ("diode-pumped alkali lasers", "laser"),
      ("DPALs", "laser"), ("augmenters", "afterburner"), ("green monopropellants", "energetic_material"),
      ("AF-M315E", "energetic_material"), ("ADN", "ammonium_dinitramide"),
      ("fiber reinforced polymer composites", "carbon_fibre_composite"), ("F-15C/D", "combat_aircraft"),
      ("remotely operated aircraft", "unmanned_aerial_vehicle")]),
    # unmarked: a test range, a company's name, an act's name, ADN without a propellant word
    ("Tests at White Sands Missile Range with Raytheon Missile Systems under the Uranium Mill Tailings Radiation "
     "Control Act; the ADN gene.", []),
    # batches 41 and 42
    ("Proliferation of weapons of mass destruction (WMD); an ATFLIR targeting pod; the Tomahawk Planning System; "
     "interceptors such as the MKV; multi-target tracking and multi-INT fusion; quantum information processing; "
     "rabbits challenged with Bacillus anthracis (Ames strain) and lethal toxin; AD converters.",
     [("weapons of mass destruction", "weapon_of_mass_destruction"), ("WMD", "weapon_of_mass_destruction"),
      ("ATFLIR", "targeting_pod"), ("targeting pod", "targeting_pod"), ("Tomahawk Planning System", "cruise_missile"),
      ("interceptors", "surface_to_air_missile"), ("MKV", "surface_to_air_missile"),
      ("multi-target tracking", "sensor_data_fusion"), ("multi-INT fusion", "sensor_data_fusion"),
      ("quantum information processing", "quantum_computing"), ("Bacillus anthracis", "bacillus_anthracis"),
      ("Ames strain", "bacillus_anthracis"), ("lethal toxin", "bacillus_anthracis"),
      ("AD converters", "analog_to_digital_converter")]),
    # unmarked: a video file format, the Ames mutagenicity test, a lethal toxin of snake venom
    ("An MKV video file; the Ames test for mutagenicity; a lethal toxin dose in snake venom.", []),
    # batches 43 and 44 (and a model designation ending a sentence: "the EA-18G.")
    ("The LC-130 Hercules; the Space Surveillance Network (SSN) tasks sensors, and the SSN catalog grows; ALQ-99 "
     "jammer pods on the EA-18G. A Next Generation Jammer (NGJ) pod; long wavelength infrared imagers; smart weapons; "
     "harden-by-design libraries; Hastelloy X fins; orthopoxvirus assays; quantum logic gates; anti-spoofing GPS "
     "receivers.",
     [("LC-130 Hercules", "military_transport_aircraft"), ("Space Surveillance Network", "radar"), ("SSN", "radar"),
      ("SSN", "radar"), ("ALQ-99", "airborne_jammer"), ("jammer pods", "airborne_jammer"), ("EA-18G", "combat_aircraft"),
      ("Next Generation Jammer", "airborne_jammer"), ("NGJ", "airborne_jammer"),
      ("long wavelength infrared", "infrared_band_imaging"), ("smart weapons", "precision_guided_munition"),
      ("harden-by-design", "radiation_hardened_electronics"), ("Hastelloy X", "nickel_superalloy"),
      ("orthopoxvirus", "variola_virus"), ("quantum logic gates", "quantum_computing"),
      ("anti-spoofing", "gnss_spoofing"), ("GPS receivers", "gnss_receiver")]),
    # unmarked: blotting membranes, antisense drugs for gene silencing, a JSF web page
    ("Western blots on nitrocellulose membranes; antisense oligonucleotides for gene silencing; a JSF web page.", []),
    # batches 45 and 46
    ("Payloads for Wasp, Raven and Puma UAVs and the RQ-7 Shadow; RF emitter locating; ceramic radomes for missiles; "
     "USS OAKLAND (LCS 24) and other Navy ships; JBPDS and JSLSCAD detectors; plutonium pits for the NNSA stockpile; "
     "WIN-T terminals; SATCOM on the move.",
     [("Wasp", "small_tactical_uav"), ("Raven", "small_tactical_uav"), ("Puma", "small_tactical_uav"),
      ("UAVs", "unmanned_aerial_vehicle"), ("RQ-7 Shadow", "small_tactical_uav"),
      ("emitter locating", "radio_direction_finding"), ("ceramic radomes", "radome"), ("missiles", "missile"),
      ("LCS", "warship"), ("Navy ships", "warship"), ("JBPDS", "biological_detection"),
      ("JSLSCAD", "chemical_agent_detector"), ("plutonium pits", "nuclear_weapon"), ("WIN-T", "tactical_radio"),
      ("SATCOM on the move", "satellite_communications")]),
    # unmarked: an award, a shadow, shoes, a fund's name, fire pits
    ("The Raven Award; a shadow of the tower; Puma shoes; the 5G Fund for Rural America; fire pits in the park.", []),
    # batches 47 and 48
    ("ESM and RWR observations feed multiple hypothesis trackers; strained layer superlattice detectors on a digital "
     "focal plane ROIC; a magnicon tube; Tigershark UAVs with the Joint Multi-Mission Electro-Optic System (JMMES); "
     "thermal microcameras; a field-programmable object array; underwater mines and the Unmanned Influence Sweep "
     "System; combat identification; superconducting ADCs.",
     [("ESM", "radar_warning_receiver"), ("RWR", "radar_warning_receiver"),
      ("multiple hypothesis trackers", "sensor_data_fusion"),
      ("strained layer superlattice detectors", "focal_plane_array"), ("focal plane", "focal_plane_array"),
      ("ROIC", "readout_integrated_circuit"), ("magnicon tube", "travelling_wave_tube"),
      ("Tigershark", "small_tactical_uav"), ("UAVs", "unmanned_aerial_vehicle"),
      ("Joint Multi-Mission Electro-Optic System", "eo_ir_sensor"), ("JMMES", "eo_ir_sensor"),
      ("thermal microcameras", "thermal_imaging_camera"), ("field-programmable object array", "fpga"),
      ("underwater mines", "naval_mine"), ("Unmanned Influence Sweep System", "mine_countermeasures_vessel"),
      ("combat identification", "iff"), ("superconducting ADCs", "analog_to_digital_converter")]),
    # unmarked: the focal planes of microscope and tomosynthesis optics
    ("A phase plate in the back focal plane of the objective lens; out-of-focal plane blur in tomosynthesis.", []),
    # batches 49 and 50
    ("An igniter for the RL-10; cyber defense of tactical networks; a linearized MPM for the RF transmitter; 7.62mm "
     "combustible cartridge prototypes; Coxiella burnetii (Q fever); the List of Explosive Materials; BSCCO-2212 "
     "wire; PWR fuel assemblies in the reactor core.",
     [("RL-10", "liquid_rocket_engine"), ("cyber defense", "cyber_warfare"), ("tactical networks", "tactical_radio"),
      ("MPM", "solid_state_power_amplifier"),
      ("combustible cartridge", "ammunition"), ("Coxiella burnetii", "coxiella_burnetii"),
      ("Q fever", "coxiella_burnetii"), ("Explosive Materials", "energetic_material"),
      ("BSCCO-2212", "superconducting_material"), ("PWR", "reactor_type"), ("fuel assemblies", "nuclear_fuel"),
      ("reactor core", "nuclear_reactor")]),
    # unmarked: a rocket company's acronym (PWR) without a word of reactors, satellite television
    ("PWR designers at the engine company; the satellite television market.", []),
    # batch 51
    ("Buoys with acoustic communications modules; network security devices at the gateway; the Broad Area "
     "Maritime Surveillance drone; a polished tangent ogive dome.",
     [("acoustic communications modules", "underwater_acoustic_communications"),
      ("network security devices", "network_intrusion_detection"),
      ("Broad Area Maritime Surveillance", "male_hale_uav"), ("drone", "drone"),
      ("tangent ogive dome", "transparent_ceramic")]),
    # unmarked: BAMS without a word of surveillance or the aircraft, an expert system administrator
    ("The BAMS conference on bone research; small firms cannot hire expert system administrators.", []),
    # batches 52 and 53 and dev blind 12
    ("BIS proposes controls on brevetoxin and palytoxin; physically unclonable functions; the F119 engine; "
     "direct digital manufacturing of titanium; nuclear thermal propulsion; SINCGARS radios and HAIPE devices; "
     "Argus-IS; SMTI tracks; SiCf/SiCm fasteners; YAG windows; a two-color IR target simulator for an IR tracker.",
     [("brevetoxin", "marine_toxin"), ("palytoxin", "marine_toxin"),
      ("physically unclonable functions", "anti_tamper"), ("F119 engine", "military_turbofan"),
      ("direct digital manufacturing", "additive_manufacturing"),
      ("nuclear thermal propulsion", "nuclear_thermal_propulsion"), ("SINCGARS radios", "tactical_radio"),
      ("HAIPE devices", "network_encryptor"), ("Argus-IS", "wide_area_surveillance"), ("SMTI", "radar"),
      ("SiCf/SiCm", "silicon_carbide_fibre"), ("YAG windows", "transparent_ceramic"),
      ("IR target simulator", "infrared_scene_projector"), ("IR tracker", "infrared_search_and_track")]),
    # unmarked: a head-mounted display for MRI-guided surgery, an F100 lens without an engine word
    ("A head mounted display (HMD) shows the MRI scan to the surgeon; the HMD is light. The F100 lens is sharp.", []),
    # batches 54 and 55
    ("Sites contaminated by chemical warfare; adaptive optical systems; the Adaptive Tactical Laser System; an "
     "underwater breathing apparatus for combat divers; CMDS magazines for flares; turbine cooling schemes.",
     [("chemical warfare", "chemical_warfare_agent"), ("adaptive optical systems", "adaptive_optics"),
      ("Adaptive Tactical Laser System", "laser_weapon"),
      ("underwater breathing apparatus", "closed_circuit_rebreather"), ("CMDS", "radar_decoy"),
      ("turbine cooling schemes", "turbine_combustor")]),
    # unmarked: the Wassenaar Arrangement's name, CMDS without a word of countermeasures
    ("The Wassenaar Arrangement on Export Controls for Conventional Arms; the CMDS billing code.", []),
    # batches 56 and 57
    ("Fluorides from DUF6; LaserComm terminals; mixed oxide (MOX) fuel; an uncooled dual-band imager; Overhead "
     "Persistent Infrared (OPIR) sensors; the Minuteman III first stage motor; vertical junction field effect "
     "transistors.",
     [("DUF6", "uranium_hexafluoride"), ("LaserComm terminals", "free_space_optical_communications"),
      ("mixed oxide", "nuclear_fuel"), ("MOX", "nuclear_fuel"), ("uncooled dual-band imager", "microbolometer"),
      ("Overhead Persistent Infrared", "space_based_infrared_surveillance"),
      ("OPIR", "space_based_infrared_surveillance"), ("Minuteman III", "ballistic_missile"),
      ("vertical junction field effect transistors", "power_semiconductor")]),
    # unmarked: MOX and mixed oxide without a word of fuel (a gas sensor's metal oxide)
    ("A mixed oxide catalyst; MOX gas sensors for the kitchen.", []),
    # batches 58 and 59
    ("A multi-channel Ka-band seeker; TRANSEC for the waveform; the F/A-22 aircraft; the ARH-70A; the RR1000 "
     "turbine disk alloy; atom chips for ultracold gases.",
     [("multi-channel Ka-band seeker", "missile_seeker"), ("TRANSEC", "encryption"),
      ("F/A-22 aircraft", "combat_aircraft"), ("ARH-70A", "attack_helicopter"), ("RR1000", "nickel_superalloy"),
      ("turbine disk alloy", "nickel_superalloy"), ("atom chips", "laser_cooling_apparatus")]),
    # unmarked: gain-of-function mutants of a transporter, a company called Applied Radar
    ("A population of gain of function mutants of the transporter; Applied Radar is developing the software.", []),
    # batches 60 and 61
    ("Oxidizer-rich staged-combustion engines; Mobile Acoustic Counter Measures; unmanned watercraft; sensor windows "
     "and domes; integrated barrel suppressors for the M16 rifle; a DAGR receiver; electron-beam free-form "
     "fabrication; Escherichia coli O157:H7 in ground beef.",
     [("Oxidizer-rich staged-combustion engines", "liquid_rocket_engine"),
      ("Mobile Acoustic Counter Measures", "torpedo_countermeasure"), ("unmanned watercraft", "unmanned_surface_vessel"),
      ("sensor windows and domes", "infrared_optics"), ("integrated barrel suppressors", "firearm_suppressor"),
      ("M16 rifle", "rifle"), ("DAGR", "military_gnss"),
      ("electron-beam free-form fabrication", "additive_manufacturing"),
      ("Escherichia coli O157:H7", "shiga_toxin")]),
    # unmarked: M16 as the Eagle Nebula, a nitrocellulose composite membrane for protein arrays
    ("Images of M16 from the telescope; a nitrocellulose composite membrane for protein arrays.", []),
    # batches 62 and 63
    ("Naval C4I systems and the C2BMC; a UAV/MAV with micromunitions; the EO scanner; booster engines; bacterial "
     "toxins; automatic target acquisition; a GPS FRPA beside the CRPA; Navy submersibles.",
     [("C4I systems", "command_and_control_system"), ("C2BMC", "command_and_control_system"),
      ("UAV", "unmanned_aerial_vehicle"), ("MAV", "unmanned_aerial_vehicle"), ("micromunitions", "ammunition"),
      ("EO scanner", "lidar"), ("booster engines", "rocket_engine"), ("bacterial toxins", "biological_toxin"),
      ("automatic target acquisition", "automatic_target_recognition"), ("GPS", "satellite_navigation"),
      ("FRPA", "anti_jam_gnss_antenna"), ("CRPA", "anti_jam_gnss_antenna"),
      ("Navy submersibles", "manned_submersible")]),
    # unmarked: the explosive arc of a storage area, dim low-observable targets, a firm called American
    # Semiconductor, a submersible pump, a MAV with no aircraft word near it
    ("Boats stay outside the explosive arc; detection of low-observable targets; American Semiconductor designs "
     "it; a submersible pump; the MAV was sampled for soil cores.", []),
    # batches 64 and 65
    ("A digital-RF channelizing receiver; xenon HETs; the JAGM dome; an energetic azido polymer; gamma radiation "
     "detection; SUAVs; brucella; an Apogee Kick Motor (AKM) on the rocket; a LEO launcher; a scram jet; explosive "
     "vapor trace detectors; MOPA sources; the TPY-2 radar; a frame or receiver.",
     [("digital-RF channelizing receiver", "radar_warning_receiver"), ("xenon HETs", "spacecraft_electric_propulsion"),
      ("JAGM", "missile"), ("energetic azido polymer", "glycidyl_azide_polymer"),
      ("gamma radiation detection", "radiation_detector"), ("SUAVs", "unmanned_aerial_vehicle"),
      ("brucella", "brucella"), ("Apogee Kick Motor", "solid_rocket_motor"), ("AKM", "solid_rocket_motor"),
      ("rocket", "rocket"), ("LEO launcher", "space_launch_vehicle"), ("scram jet", "scramjet"),
      ("explosive vapor trace detectors", "explosives_detector"), ("MOPA sources", "laser"),
      ("TPY-2", "phased_array_radar"), ("radar", "radar"), ("frame or receiver", "firearm")]),
    # unmarked: a laser's upper level and transition, the AKM rifle, HET without an electric-thruster word
    ("The pump fills the upper laser level of the 1047-nm laser transition; an AKM with a wooden stock; HET "
     "cells in the liver.", []),
    # batches 66 and 67
    ("A broadband Digital RF Memory (DRFM); EW systems; secure tactical networks; AES keys for the cipher; the LCS "
     "launches a USV; a CMG for satellite attitude; future gunships; DUF<INF>6</INF> and Ga<INF>2</INF>O<INF>3</INF>.",
     [("Digital RF Memory", "electronic_warfare"), ("DRFM", "electronic_warfare"), ("EW systems", "electronic_warfare"),
      ("tactical networks", "tactical_radio"), ("AES", "encryption"), ("LCS", "warship"),
      ("USV", "unmanned_surface_vessel"), ("CMG", "reaction_wheel"), ("satellite", "satellite"),
      ("gunships", "combat_aircraft"), ("DUF<INF>6</INF>", "uranium_hexafluoride"),
      ("Ga<INF>2</INF>O<INF>3</INF>", "wide_bandgap_semiconductor")]),
    # unmarked: AES the utility and Auger electron spectroscopy, a CMG without a word of attitude or spacecraft
    ("AES Corporation runs power plants; Auger electron spectroscopy (AES) of the surface; the CMG portfolio "
     "grew.", []),
    # batches 68 and 69
    ("Discharge pulse power capacitors; high energy density multilayer capacitors; the Air and Missile Defense Radar "
     "(AMDR); DEW strike packages for the weapon; SuperJFET devices; iridium-lined rhenium combustion chambers for "
     "radiatively cooled thrusters.",
     [("pulse power capacitors", "pulse_discharge_capacitor"),
      ("high energy density multilayer capacitors", "pulse_discharge_capacitor"),
      ("Air and Missile Defense Radar", "phased_array_radar"), ("AMDR", "phased_array_radar"),
      ("DEW", "directed_energy_weapon"), ("SuperJFET", "power_semiconductor"),
      ("iridium-lined rhenium combustion chambers", "liquid_rocket_engine"),
      ("radiatively cooled thrusters", "liquid_rocket_engine")]),
    # unmarked: the dew point in capitals, with no word of directed energy or weapons near it
    ("THE DEW POINT FELL AT NIGHT; DEW formed on the grass.", []),
    # batches 70 and 71
    ("Coated AlH3 for the propellant; a neutron straw imaging system; 3He detectors; Blue Force Tracking; penetrating "
     "weapons testing; a destroyer such as AEGIS.",
     [("AlH3", "aluminium_hydride"), ("propellant", "propellant"), ("neutron straw imaging system", "neutron_detector"),
      ("3He detectors", "neutron_detector"), ("Blue Force Tracking", "command_and_control_system"),
      ("penetrating weapons", "aerial_bomb"), ("destroyer", "warship")]),
    # unmarked: chips in the laboratory and the lumber yard, a tungsten-halogen lamp, a destroyer with no ship word
    ("Microfluidic chips and microarray chips; wood which routinely chips, cracks and rots; a tungsten-halogen "
     "lamp; the fungus is a destroyer of crops.", []),
    # batches 72 and 73
    ("VideoSAR frames from the Ikhana; a lateral JFET; an ANVIS mount; an adaptive optic mirror; soldiers exposed to a "
     "biological agent; RAIM for GPS; liquid fuel boosters; solid freeform fabrication; fiber reinforced composites.",
     [("VideoSAR", "synthetic_aperture_radar"), ("Ikhana", "male_hale_uav"), ("lateral JFET", "power_semiconductor"),
      ("ANVIS", "night_vision"), ("adaptive optic mirror", "adaptive_optics"), ("biological agent", "biological_weapon"),
      ("RAIM", "satellite_navigation"), ("GPS", "satellite_navigation"), ("liquid fuel boosters", "rocket_stage"),
      ("solid freeform fabrication", "additive_manufacturing"),
      ("fiber reinforced composites", "carbon_fibre_composite")]),
    # unmarked: biological agents as medicines, with no word of threats, warfare or soldiers near them
    ("Biological agents such as monoclonal antibodies treat arthritis.", []),
    # batches 74 and 75
    ("Future combatant ship survivability; active RF deception; a micro-channel plate; a diode-pumped femtosecond "
     "oscillator.",
     [("combatant ship", "warship"), ("active RF deception", "electronic_warfare"),
      ("micro-channel plate", "image_intensifier_tube"), ("diode-pumped femtosecond oscillator", "ultrafast_laser")]),
    # batches 76 and 77
    ("Tick-borne encephalitis (TBE) and the Omsk Hemorrhagic Fever virus; an inertial rate sensor; HRGs and other "
     "gyros; a quantum dot photodetector (QDIP); two OPA stages pumped by a DPSS laser; a blasting cap in C4; "
     "Blackhawk helicopters; persistent surveillance systems.",
     [("Tick-borne encephalitis", "tick_borne_encephalitis_virus"), ("TBE", "tick_borne_encephalitis_virus"),
      ("Omsk Hemorrhagic Fever virus", "tick_borne_encephalitis_virus"), ("inertial rate sensor", "gyroscope"),
      ("HRGs", "hemispherical_resonator_gyroscope"), ("gyros", "gyroscope"),
      ("quantum dot photodetector", "infrared_detector"), ("QDIP", "infrared_detector"),
      ("OPA", "nonlinear_frequency_conversion"), ("DPSS laser", "solid_state_laser"),
      ("blasting cap", "detonator"), ("C4", "plastic_explosive"), ("Blackhawk helicopters", "attack_helicopter"),
      ("persistent surveillance systems", "wide_area_surveillance")]),
    # unmarked: the Apache web server, C4 grasses, an OPA press office, each with no word of its sense near it
    ("The Apache web server; C4 grasses fix carbon; the OPA press office.", []),
    # batches 78 and 79
    ("IEDs and EFPs under camouflage; simulated UxVs; middle wavelength infrared; Position Navigation and Time; "
     "Navwar engineers; fast tuning digital synthesizers; vehicles such as X-51; the MH60S.",
     [("IEDs", "improvised_explosive_device"), ("EFPs", "explosively_formed_penetrator"), ("UxVs", "uncrewed_system"),
      ("middle wavelength infrared", "infrared_band_imaging"), ("Position Navigation and Time", "pnt"),
      ("Navwar", "gnss_jamming"), ("digital synthesizers", "frequency_synthesizer"), ("X-51", "hypersonic_vehicle"),
      ("MH60S", "attack_helicopter")]),
    # unmarked: an EFP that is a file protocol, with no word of explosives or armour near it
    ("EFP is the enterprise file protocol.", []),
    # batches 80 and 81
    ("The High Energy Liquid Laser Area Defense System (HELLADS); a MIL-STD-1553 bus monitor; mid-frequency active "
     "(MFA) processing; the Expeditionary Fire Support System; a self-propelled robotic pallet (SPRP); electron beam "
     "direct manufacturing of titanium by EB-DM; tools for signal interception.",
     [("High Energy Liquid Laser Area Defense System", "laser_weapon"), ("HELLADS", "laser_weapon"),
      ("MIL-STD-1553 bus", "avionics"), ("mid-frequency active", "sonar"), ("MFA", "sonar"),
      ("Expeditionary Fire Support System", "mortar_weapon"), ("self-propelled robotic pallet", "robot"),
      ("SPRP", "robot"), ("electron beam direct manufacturing", "metal_additive_manufacturing"),
      ("EB-DM", "metal_additive_manufacturing"), ("signal interception", "signals_intelligence")]),
    # unmarked: a branch site, a licence's name, an EBDM with no word of metal or deposition near it
    ("Satellite training locations; the Federal Firearms Licensee records; EBDM, evidence-based decision making.", []),
    # batches 82 and 83
    ("Parts made by Selective Laser Sintering (SLS); the HT SLS process. A Precision Attitude Control System (PACS) "
     "for the Kinetic Weapon (KW) burns solid propellant. High-speed inter-satellite links (ISLs); uncooled "
     "bolometric detectors; a low light level imager; an Inter Turbine Burner (ITB); carbon/PEEK composite shafts.",
     [("Selective Laser Sintering", "additive_manufacturing"), ("SLS", "additive_manufacturing"),
      ("SLS", "additive_manufacturing"), ("Attitude Control System", "spacecraft_attitude_control"),
      ("PACS", "spacecraft_attitude_control"), ("Kinetic Weapon", "surface_to_air_missile"),
      ("KW", "surface_to_air_missile"), ("solid propellant", "composite_solid_propellant"),
      ("inter-satellite links", "satellite_communications"), ("ISLs", "satellite_communications"),
      ("uncooled bolometric detectors", "microbolometer"), ("low light level imager", "night_vision"),
      ("Inter Turbine Burner", "gas_turbine_engine"), ("ITB", "gas_turbine_engine"),
      ("carbon/PEEK composite", "carbon_fibre_composite")]),
    # unmarked: bacteria that do not ferment, a kilowatt written "KW" with no kinetic weapon defined
    ("Select non fermenters such as Pseudomonas aeruginosa; a 5 KW generator.", []),
    # batches 84 and 85
    ("Large segmented planar detectors of germanium; germanium detectors; Army helicopter parts; Naval aircrafts "
     "carry antennas; the F-35, F-22 and B-2; unducted fans; a nanoparticle based IR decoy; TLUAV and HLUAV gimbals; "
     "a PackBot EOD.",
     [("segmented planar detectors", "radiation_detector"), ("germanium", "germanium"),
      ("germanium detectors", "radiation_detector"), ("Army helicopter", "attack_helicopter"),
      ("Naval aircrafts", "combat_aircraft"), ("F-35", "combat_aircraft"), ("F-22", "combat_aircraft"),
      ("B-2", "combat_aircraft"), ("unducted fans", "turbofan"), ("IR decoy", "aircraft_missile_protection"),
      ("TLUAV", "unmanned_aerial_vehicle"), ("HLUAV", "unmanned_aerial_vehicle"),
      ("PackBot EOD", "unmanned_ground_vehicle")]),
    # unmarked: a vitamin and a camera's detector, with no word of bombers or radiation near them
    ("Vitamin B-2 in the diet; the planar detector of a camera.", []),
    # batches 86 and 87, and a miss of the classifier's dev set
    ("Acquisition, tracking and pointing (ATP) improves; ATP accuracy. Miniature robotic aircraft; the ALTIUS UAS; a "
     "focal plan array; shortwave infrared response; Ferroelectric Generators (FEGs); the CLIRCM problem of an "
     "optical seeker.",
     [("Acquisition, tracking and pointing", "beam_control"), ("ATP", "beam_control"), ("ATP", "beam_control"),
      ("Miniature robotic aircraft", "unmanned_aerial_vehicle"), ("ALTIUS", "unmanned_aerial_vehicle"),
      ("UAS", "unmanned_aerial_vehicle"), ("focal plan array", "focal_plane_array"),
      ("shortwave infrared", "swir_camera"), ("Ferroelectric Generators", "pulsed_power"), ("FEGs", "pulsed_power"),
      ("CLIRCM", "aircraft_missile_protection"), ("optical seeker", "missile_seeker")]),
    # unmarked: the molecule and the tennis tour, where no document defines ATP as pointing
    ("ATP levels in muscle cells; the ATP Tour.", []),
    # batches 88 and 89
    ("Cholera toxin (CT) binds cells; CT is an adjuvant. A flux compression generator (FCG); FCG voltage. The B-21 "
     "bomber will replace the B-1 and B-2 bomber aircraft. A fiber laser pumped OPO. NOFBX propulsion; the "
     "MIL-STD-188-181B waveform; combatant patrol/assault craft.",
     [("Cholera toxin", "biological_toxin"), ("CT", "biological_toxin"), ("CT", "biological_toxin"),
      ("flux compression generator", "pulsed_power"), ("FCG", "pulsed_power"), ("FCG", "pulsed_power"),
      ("B-21", "combat_aircraft"), ("bomber", "combat_aircraft"), ("B-1", "combat_aircraft"),
      ("B-2 bomber", "combat_aircraft"), ("fiber laser", "fibre_laser"), ("OPO", "nonlinear_frequency_conversion"),
      ("NOFBX", "spacecraft_chemical_thruster"), ("MIL-STD-188-181B", "satellite_communications"),
      ("assault craft", "warship")]),
    # unmarked: a form's number, a rescue programme's name, an office's acronym
    ("Form B-1 of the schedule; the Search and Rescue Satellite Aided Tracking program; an OPO office.", []),
    # batches 90 and 91
    ("G-Band Electronically Scanned Apertures; the Precision Tracking Space System; the Airborne Laser Test Bed; "
     "a Multi-shot Robotic EOD Disrupter; Radiation Hardening of a radiation-tolerant transponder; a shock tube "
     "detonator initiation train; a 5 MWe nuclear microreactor.",
     [("Electronically Scanned Apertures", "aesa_radar"),
      ("Precision Tracking Space System", "space_based_infrared_surveillance"),
      ("Airborne Laser Test Bed", "laser_weapon"), ("EOD Disrupter", "eod_robot"),
      ("Radiation Hardening", "radiation_hardened_electronics"), ("radiation-tolerant", "radiation_hardened_electronics"),
      ("shock tube detonator", "detonator"), ("nuclear microreactor", "nuclear_reactor")]),
    # unmarked: a chemical microreactor and a laboratory shock tube, with no nuclear or blasting word near them
    ("A microreactor for direct synthesis of H2O2; the single pulse shock tube of a combustion laboratory.", []),
    # batches 92 and 93
    ("Decontaminating CB agents; supersonic weapons at Mach 4; the J-2X engine in the Ares launcher; explosive "
     "mixtures; lunar-based fission power systems; large to medium caliber rounds.",
     [("CB agents", "chemical_warfare_agent"), ("supersonic weapons", "missile"),
      ("J-2X engine", "liquid_rocket_engine"), ("Ares launcher", "space_launch_vehicle"), ("explosive mixtures", "high_explosive"),
      ("fission power systems", "nuclear_reactor"), ("medium caliber rounds", "ammunition")]),
    # unmarked: a radio band, a yeast, paint
    ("The CB radio hobby; a fission yeast study; mixtures of paint.", []),
    # batches 94 and 95
    ("Optical rangefinders; aircraft communication, navigation and identification systems (CNI) fail; CNI parts. The "
     "MAESTRO processor; X-band radars; coherent multistatic AMTI radar; a pump-fed micropropulsion system; vernier "
     "engines; an HPM antenna; a superconducting quantum interference filter (SQIF); DD(X) class ships; the "
     "Ground-based Midcourse Defense (GMD) radar of the Missile Defense Agencys programme.",
     [("Optical rangefinders", "laser_rangefinder"),
      ("communication, navigation and identification systems", "avionics"), ("CNI", "avionics"), ("CNI", "avionics"),
      ("MAESTRO processor", "radiation_hardened_electronics"), ("X-band radars", "radar"), ("AMTI", "radar"),
      ("radar", "radar"), ("micropropulsion system", "spacecraft_chemical_thruster"),
      ("vernier engines", "liquid_rocket_engine"), ("HPM", "high_power_microwave_weapon"),
      ("superconducting quantum interference filter", "squid"), ("SQIF", "squid"), ("DD(X) class", "warship"),
      ("Ground-based Midcourse Defense", "surface_to_air_missile"), ("GMD", "surface_to_air_missile"),
      ("radar", "radar")]),
    # unmarked: a geomagnetic disturbance, shotgun sequencing, a force-plate maker
    ("A GMD storm on the grid; whole-genome shotgun sequencing of soil; AMTI force plates.", []),
    # batches 96 and 97
    ("New airborne EA systems for electronic warfare; jammers and EA assets. The Versatile Test Reactor; VTR fuel "
     "for the nuclear plant. SWIR with thermal infrared; Air Moving Target Indication.",
     [("airborne EA", "electronic_warfare"), ("electronic warfare", "electronic_warfare"),
      ("jammers", "radio_jammer"), ("EA assets", "electronic_warfare"), ("Versatile Test Reactor", "nuclear_reactor"),
      ("VTR", "nuclear_reactor"),
      ("SWIR", "swir_camera"), ("thermal infrared", "thermal_imaging_camera"),
      ("Air Moving Target Indication", "radar")]),
    # unmarked: energy-absorbing trim in a car, a video tape recorder
    ("The optimized EA applique outperformed three commercial EA systems in head impact tests; an old VTR tape.", []),
    # batches 98 and 99
    ("SAR data correct inertial drift; the INS error is reset from landmarks. A multi-lobe flame holder in the augmentor; the "
     "Miniature Xenon Ion (MiXI) thruster; Ir/Re combustion chambers within liquid engines; small caliber weapons.",
     [("SAR", "synthetic_aperture_radar"), ("INS", "inertial_navigation_system"), ("flame holder", "afterburner"), ("augmentor", "afterburner"),
      ("Miniature Xenon Ion", "spacecraft_electric_propulsion"), ("MiXI", "spacecraft_electric_propulsion"),
      ("thruster", "spacecraft_electric_propulsion"), ("Ir/Re combustion chambers", "thrust_chamber"),
      ("liquid engines", "liquid_rocket_engine"), ("small caliber weapons", "firearm")]),
    # unmarked: the former immigration service, a search-and-rescue team, a gas burner's flame holder
    ("The INS once processed visas. The SAR team reached the hikers. The burner's flame holder was cleaned.", []),
    # batches 100 and 101
    ("Coolers for Signals Intelligence and Electronics Warfare; hit-to-kill interception; larger format IRSPs; "
     "inertial instruments; solid propulsion; the command launch unit (CLU) of the Javelin; the CREW Duke system; "
     "radar and electronic intercept data; ESSM yields; the ASW aircraft; Advanced Computing Items.",
     [("Signals Intelligence", "signals_intelligence"), ("Electronics Warfare", "electronic_warfare"),
      ("hit-to-kill interception", "surface_to_air_missile"), ("IRSPs", "infrared_scene_projector"),
      ("inertial instruments", "inertial_navigation_system"), ("solid propulsion", "solid_rocket_motor"),
      ("command launch unit", "anti_tank_weapon"), ("CLU", "anti_tank_weapon"), ("CREW Duke system", "counter_ied_jammer"),
      ("radar", "radar"), ("electronic intercept", "signals_intelligence"), ("ESSM", "surface_to_air_missile"),
      ("ASW aircraft", "anti_submarine_warfare"), ("Advanced Computing Items", "supercomputer")]),
    # unmarked: an aircraft's crew systems, a throw in athletics
    ("The aircraft crew systems were checked; she won the javelin throw.", []),
    # batches 102 and 103
    ("The Advanced Survivable Interceptor Modem; an Integrated Power and Attitude Control System; pentamode acoustic "
     "cloaking materials; explosive drive power supplies; COMSEC barriers; station keeping equipment (SKE) and SKE "
     "signals; an Active Electronic Scanned Array; advanced fighter engines; the Stuxnet worm; ROTHR and NGOTHR; an "
     "on-gimbal beam control system (OGBCS).",
     [("Advanced Survivable Interceptor Modem", "tactical_radio"),
      ("Integrated Power and Attitude Control System", "reaction_wheel"),
      ("pentamode acoustic cloaking materials", "metamaterial"), ("explosive drive power supplies", "pulsed_power"),
      ("COMSEC", "encryption"), ("station keeping equipment", "avionics"), ("SKE", "avionics"), ("SKE", "avionics"),
      ("Active Electronic Scanned Array", "aesa_radar"), ("advanced fighter engines", "military_turbofan"),
      ("Stuxnet worm", "malware"), ("ROTHR", "over_the_horizon_radar"), ("NGOTHR", "over_the_horizon_radar"),
      ("on-gimbal beam control system", "beam_control"), ("OGBCS", "beam_control")]),
    # unmarked: the FCC's security council, a helicopter's station-keeping hover, an earthworm
    ("The Communications Security, Reliability, and Interoperability Council met; the helicopter kept station; an "
     "earthworm.", []),
    # batches 104 and 105
    ("The Ares J-2X needs a nozzle extension; a fixed-site ELF sensor; nuclear event detector chips (NEDs) and a NED; "
     "SURTASS; undersea weapons systems; three biothreat organisms; neutron dosimeters; the BLU-109; TEP is a "
     "simulant for the nerve agent sarin (GB); an enhanced AJ solution against GPS jamming.",
     [("J-2X", "liquid_rocket_engine"), ("nozzle extension", "rocket_nozzle"), ("ELF sensor", "magnetometer"),
      ("nuclear event detector chips", "radiation_hardened_electronics"), ("NEDs", "radiation_hardened_electronics"),
      ("NED", "radiation_hardened_electronics"), ("SURTASS", "towed_array_sonar"),
      ("undersea weapons systems", "torpedo"), ("biothreat organisms", "biological_weapon"),
      ("neutron dosimeters", "neutron_detector"), ("BLU-109", "aerial_bomb"), ("nerve agent", "nerve_agent"),
      ("sarin", "sarin"), ("GB", "sarin"),
      ("AJ", "anti_jam_communications"), ("GPS jamming", "gnss_jamming")]),
    # unmarked: a file's size, a person's initials, an elf in a story
    ("The file is 2 GB; AJ signed the memo; an ELF in the story.", []),
    # batches 106 and 107
    ("The multiple beam inductive output tube (MB IOT) and multi-beam klystrons; debris, decoys and the RV of a "
     "ballistic missile; a chirped pulse amplified (CPA) system and a regenerative amplifier; the JBTDS; fuzes for "
     "gun-fired munitions and mortars.",
     [("multiple beam inductive output tube", "klystron"), ("MB IOT", "klystron"),
      ("multi-beam klystrons", "klystron"), ("RV", "reentry_vehicle"), ("ballistic missile", "ballistic_missile"),
      ("chirped pulse amplified", "ultrafast_laser"), ("CPA", "ultrafast_laser"),
      ("regenerative amplifier", "ultrafast_laser"), ("JBTDS", "biological_detection"),
      ("fuzes", "fuze"), ("munitions", "ammunition"), ("mortars", "mortar_weapon")]),
    # unmarked: a camper van, mortar between bricks, a heart's regenerative therapy
    ("They parked the RV by the lake; fresh mortar between the bricks; a regenerative therapy for the heart.", []),
    # batches 108 and 109
    ("An RF integrated circuit (RFIC) for the receiver; furazan oxidizers; Ferromagnetic Generators (FMG); a "
     "High-power Interference Canceller (HPIC); periscope head windows; radioisotope identifiers; the LCAC and the "
     "Joint Maritime Assault Connector (JMAC); a miniature autonomous air vehicle; airborne multispectral remote "
     "sensing; reusable, fly-back first stage boosters.",
     [("RF integrated circuit", "mmic"), ("RFIC", "mmic"), ("furazan oxidizers", "energetic_material"),
      ("Ferromagnetic Generators", "pulsed_power"), ("FMG", "pulsed_power"),
      ("High-power Interference Canceller", "anti_jam_communications"), ("HPIC", "anti_jam_communications"),
      ("periscope head windows", "optronic_mast"), ("radioisotope identifiers", "radiation_detector"),
      ("LCAC", "surface_effect_vehicle"), ("Joint Maritime Assault Connector", "surface_effect_vehicle"),
      ("JMAC", "surface_effect_vehicle"), ("miniature autonomous air vehicle", "unmanned_aerial_vehicle"),
      ("airborne multispectral remote sensing", "multispectral_imaging"), ("first stage boosters", "rocket_stage")]),
    # unmarked: a human motion rig, a toy periscope, a child's booster seat
    ("A vertical linear accelerator (VLA) tests pilots; a periscope in the toy shop; a booster seat.", []),
    # batches 110 and 111
    ("The Miniaturized Commandable Impulsive Acoustic Source (MCIAST); LMP-103S and AFM-315E, and HPGP; a pump for "
     "HAN-based monopropellants; thermal batteries for fuzes; robotic and uninhabited vehicles; a Field Gate "
     "Programmable Array; electron beam-physical vapor deposited coatings; directional finding (DF); a Compact "
     "Magnetic Detection Set (CMDS); the Joint Common Missile; U.S. tactical aircraft and a tactical aircraft engine; "
     "CZT substrates; a USPL system; the MicroElectronics Department at the institute.",
     [("Miniaturized Commandable Impulsive Acoustic Source", "sonobuoy"), ("MCIAST", "sonobuoy"),
      ("LMP-103S", "energetic_material"), ("AFM-315E", "energetic_material"), ("HPGP", "spacecraft_chemical_thruster"),
      ("HAN-based monopropellants", "hydroxylammonium_nitrate"), ("thermal batteries", "reserve_battery"),
      ("fuzes", "fuze"),
      ("uninhabited vehicles", "uncrewed_system"), ("Field Gate Programmable Array", "fpga"),
      ("electron beam-physical vapor deposited", "coating_equipment"), ("directional finding", "radio_direction_finding"),
      ("DF", "radio_direction_finding"), ("Compact Magnetic Detection Set", "magnetic_anomaly_detector"),
      ("CMDS", "magnetic_anomaly_detector"), ("Joint Common Missile", "missile"), ("tactical aircraft", "combat_aircraft"),
      ("tactical aircraft engine", "military_turbofan"), ("CZT substrates", "hgcdte_detector"),
      ("USPL", "ultrafast_laser")]),
    # unmarked: a film hero, heat stored at home, a strain collection, a statistic, a university department
    ("Han Solo flew; a thermal battery stores heat in the home; the JCM strain collection; the DF of the model; the "
     "Laser Department.", []),
    # batches 112 and 113
    ("Corrugated quantum well infrared photoconductor (C-QWIP) detectors; auxiliary power on destroyers and "
     "cruisers; large-scene surveillance with circular SAR; automated tape placement; small Autonomous Unmanned Ground "
     "Systems (AUGS); clutter due to chaff and decoys; drag on the Common Aero Vehicle (CAV) and its ablation; CW "
     "binary precursors.",
     [("Corrugated quantum well infrared photoconductor", "focal_plane_array"), ("C-QWIP", "focal_plane_array"),
      ("destroyers and cruisers", "warship"), ("circular SAR", "synthetic_aperture_radar"),
      ("automated tape placement", "fibre_placement_machine"),
      ("Autonomous Unmanned Ground Systems", "unmanned_ground_vehicle"), ("AUGS", "unmanned_ground_vehicle"),
      ("chaff and decoys", "radar_decoy"), ("Common Aero Vehicle", "hypersonic_glide_vehicle"),
      ("CAV", "hypersonic_glide_vehicle"), ("CW binary precursors", "cw_precursor")]),
    # unmarked: police cars, connected cars, a data structure, a farm machine
    ("Police cruisers patrol; the CAV fleet of connected cars; binary search trees; a chaff cutter for hay.", []),
    # batches 114 and 115
    ("Ka Common Data Link (CDL) bands and a TCDL link; a 100 lbf reaction control engine (RCEs); a multi-functional IM "
     "compliant composite case for solid rocket motors; a chirped-pulsed amplifier; satellites vulnerable to a direct "
     "ascent launch; Riverine Assault Boats; gamma ray attenuation under 137Cs; the University  of  Missouri  Research  "
     "Reactor  Center.",
     [("Common Data Link", "tactical_data_link"), ("CDL", "tactical_data_link"), ("TCDL", "tactical_data_link"),
      ("reaction control engine", "spacecraft_chemical_thruster"), ("RCEs", "spacecraft_chemical_thruster"),
      ("IM compliant composite case", "rocket_motor_case"), ("solid rocket motors", "solid_rocket_motor"),
      ("chirped-pulsed amplifier", "ultrafast_laser"), ("satellites", "satellite"),
      ("direct ascent launch", "anti_satellite_weapon"), ("Riverine Assault Boats", "warship"),
      ("137Cs", "radioactive_source")]),
    # unmarked: a driver's licence, a phone's case, a direct launch of a product
    ("A CDL holder drove the truck; a composite case for the phone; the launch was direct.", []),
    # batches 116 and 117
    ("Shells need a neutron source; tube-based neutron sources; an RDD attack with radioactive cesium; a Mars "
     "ascent vehicle (MAV) with Flexseal TVC on the first stage motor; two energetic salts; supersonic combustion "
     "engines for global strike weapons; the Tomahawk inventory of 2,500 missiles; thoria-plutonia fuel; NOFB "
     "monopropellants; QCW arrays in rangefinders and target designators for the laser.",
     [("neutron source", "neutron_generator"), ("tube-based neutron sources", "neutron_generator"),
      ("RDD", "radiological_weapon"), ("Mars ascent vehicle", "space_launch_vehicle"), ("MAV", "space_launch_vehicle"),
      ("TVC", "thrust_vectoring"), ("energetic salts", "energetic_material"),
      ("supersonic combustion engines", "scramjet"), ("global strike weapons", "hypersonic_missile"),
      ("Tomahawk", "cruise_missile"), ("missiles", "missile"), ("thoria-plutonia fuel", "nuclear_fuel"),
      ("NOFB monopropellants", "spacecraft_chemical_thruster"), ("QCW arrays", "semiconductor_laser"),
      ("rangefinders", "laser_rangefinder"), ("target designators", "laser_designator"), ("laser", "laser")]),
    # unmarked: a telephone survey, an axe, a golfer's rangefinder, a television advert
    ("An RDD survey of households by random digit dialing; a Tomahawk axe; a golf rangefinder; the TVC ad.", []),
    # batches 118 and 119
    ("Ultra Short Pulse (USP) laser technology; the JSF clutch for the STOVL F-35B; brownout for military rotorcraft; "
     "a controlled reception pattern array (CRPA); air dispersed chaff; radioxenon detection systems; the Advanced "
     "Stirling Radioisotope Generator (ASRG); radiation hard by process (RHBP) foundries; memristor-based RAM; "
     "high-power laser diodes; the Radiant Mercury guard.",
     [("Ultra Short Pulse", "ultrafast_laser"), ("USP", "ultrafast_laser"), ("laser", "laser"),
      ("JSF", "combat_aircraft"), ("F-35B", "combat_aircraft"), ("military rotorcraft", "attack_helicopter"),
      ("controlled reception pattern array", "anti_jam_gnss_antenna"), ("CRPA", "anti_jam_gnss_antenna"),
      ("air dispersed chaff", "radar_decoy"), ("radioxenon detection systems", "radiation_detector"),
      ("Advanced Stirling Radioisotope Generator", "betavoltaic_battery"), ("ASRG", "betavoltaic_battery"),
      ("radiation hard by process", "radiation_hardened_electronics"), ("RHBP", "radiation_hardened_electronics"),
      ("memristor-based RAM", "memory_chip"), ("high-power laser diodes", "semiconductor_laser"),
      ("Radiant Mercury", "cross_domain_solution")]),
    # unmarked: a web framework, an engine, a farm's chaff
    ("The JSF web framework renders pages; a memory of the stirling engine; chaff from the wheat.", []),
    # blind batches 120 and 121
    ("The air cushioned vehicle (ACV) hull; a laser against rockets, artillery, and mortars (RAM) and C-RAM; "
     "decontamination after exposure to chemical agents; the Navy megawatt-class FEL; Yellow fever virus (YFV) "
     "and YFV vaccines; Japanese encephalitis virus, CHIKV, Sin Nombre virus and Machupo virus.",
     [("air cushioned vehicle", "surface_effect_vehicle"), ("ACV", "surface_effect_vehicle"), ("laser", "laser"),
      ("rockets, artillery, and mortars", "artillery"), ("RAM", "artillery"), ("C-RAM", "artillery"),
      ("exposure to chemical agents", "chemical_warfare_agent"), ("megawatt-class FEL", "free_electron_laser"),
      ("Yellow fever virus", "yellow_fever_virus"), ("YFV", "yellow_fever_virus"), ("YFV", "yellow_fever_virus"),
      ("Japanese encephalitis virus", "japanese_encephalitis_virus"), ("CHIKV", "chikungunya_virus"),
      ("Sin Nombre virus", "hantavirus"), ("Machupo virus", "south_american_haemorrhagic_fever_virus")]),
    # unmarked: cleaning chemicals, a computer's memory, energy levels
    ("Chemical agents for cleaning the floor; the RAM of the computer; FEL energy levels.", []),
    # blind batches 122 and 123
    ("Pathogens such as E. coli O157; for DDG and all other class ships; a CDRE tested for thrust in detonation "
     "combustion; the infrared focalplane array; the radar interleaves MMTI modes; the FEG of explosively driven "
     "pulsed power; the first d36 underwater projector; computer numerically controlled grinding; the "
     "Laboratory for Laser Energetics.",
     [("E. coli O157", "shiga_toxin"), ("DDG", "warship"), ("CDRE", "detonation_engine"),
      ("infrared focalplane array", "focal_plane_array"), ("radar", "radar"), ("MMTI", "radar"), ("FEG", "pulsed_power"),
      ("pulsed power", "pulsed_power"), ("underwater projector", "sonar_transducer"),
      ("computer numerically controlled", "cnc_machine_tool")]),
    # unmarked: a commodore, a gene, a survey's figures, a test score
    ("The CDRE of the squadron; the DDG gene; FEG values in a survey; MMTI scores.", []),
    # blind batches 124 and 125
    ("Electric-propelled GMLRS rounds; an explosive detector on a cart; undersea electromagnetic sensors; a "
     "wireless network for use in jet turbines.",
     [("GMLRS", "rocket_artillery"), ("explosive detector", "explosives_detector"),
      ("undersea electromagnetic sensors", "underwater_electric_field_sensor"), ("jet turbines", "gas_turbine_engine")]),
    # unmarked: a company whose name starts with a technology
    ("Directed Energy Solutions (DES) proposes a cryogenic stack.", []),
    # blind batches 126 and 127
    ("Coatings for large caliber weapon systems; the Navy STUAS platform; developing a MWS against missile "
     "threats; GMTI and AMTI tracking; cryptographic protection of links; improved radiation hardness of CMOS "
     "circuits; a MOSHFET; C/C components; a dual-pulse motor; thermal imagery.",
     [("large caliber weapon systems", "gun_barrel"), ("STUAS", "unmanned_aerial_vehicle"),
      ("MWS", "aircraft_missile_protection"), ("missile", "missile"), ("GMTI", "radar"), ("AMTI", "radar"),
      ("cryptographic protection", "cryptography"), ("radiation hardness", "radiation_hardened_electronics"),
      ("MOSHFET", "gan_transistor"), ("C/C components", "carbon_carbon_composite"),
      ("dual-pulse motor", "solid_rocket_motor"), ("thermal imagery", "thermal_imaging_camera")]),
    # unmarked: a company, an acronym and a polymer's hardness
    ("Carbon-Carbon Advanced Technologies will help; the MWS of the firm; radiation hardness of the film.", []),
    # blind batches 128 and 129
    ("A germanium blocked-impurity-band (BIB) detector; the layers of BIBs. Rings for the CH-54 helicopter. "
     "Countermeasures (CIRCM) and lasers. A dewar for all 3rd Gen FPAs. Tonpilz projectors for underwater "
     "use. The ADC uses SiGe BiCMOS technology.",
     [("germanium", "germanium"), ("blocked-impurity-band", "infrared_detector"), ("BIB", "infrared_detector"),
      ("BIBs", "infrared_detector"), ("CH-54 helicopter", "attack_helicopter"), ("CIRCM", "aircraft_missile_protection"),
      ("lasers", "laser"), ("3rd Gen FPAs", "focal_plane_array"), ("Tonpilz projectors", "sonar_transducer"),
      ("ADC", "analog_to_digital_converter")]),
    # unmarked: a baby's bib, accounts and an MRI measure
    ("A bib for the baby; FPAs in the accounting report; the ADC value in MRI.", []),
    # blind batches 130 and 131
    ("Systems designed for the hypergols of interest; a solid-state IR flare; threat warning systems for "
     "aircraft against missiles; the Radio Frequency Vehicle Stopper (RFVS); the Battlefield Airborne "
     "Communications Node (BACN).",
     [("hypergols", "hypergolic_propellant"), ("solid-state IR flare", "aircraft_missile_protection"),
      ("threat warning systems", "aircraft_missile_protection"), ("missiles", "missile"),
      ("Radio Frequency Vehicle Stopper", "directed_energy_weapon"), ("RFVS", "directed_energy_weapon"),
      ("Battlefield Airborne Communications Node", "tactical_data_link"), ("BACN", "tactical_data_link")]),
    # unmarked: a genetic expression system, a flood warning system, a star's flares
    ("The GAL4/UAS binary expression system and UAS-GAL4 lines; threat warning systems for floods.", []),
    ("Infrared flares from the galactic centre were seen again.", []),
    # blind batches 132 and 133
    ("A scintillator, Cs2LiYCl6:Ce (CLYC), enriched with 6Li. Range-Resolved Doppler Imaging (RRDI) ladar. "
     "Long-wave nBn detectors. Antennas jamming IED triggers: a low profile CREW antenna. ORS goals of "
     "spacecraft/ELV rapid launch. Fibers such as IM9.",
     [("scintillator", "radiation_detector"), ("Cs2LiYCl6:Ce", "radiation_detector"), ("CLYC", "radiation_detector"),
      ("6Li", "lithium_6"), ("Range-Resolved Doppler Imaging", "lidar"), ("RRDI", "lidar"), ("ladar", "lidar"),
      ("nBn detectors", "focal_plane_array"), ("jamming", "radio_jammer"), ("IED", "improvised_explosive_device"),
      ("CREW antenna", "counter_ied_jammer"), ("spacecraft", "satellite"), ("ELV", "space_launch_vehicle"),
      ("IM9", "carbon_fibre")]),
    # unmarked: a survey's score and a ship's crew antenna
    ("The ELV score in the survey; the crew antenna on the ship mast.", []),
    # blind batches 134 and 135
    ("CMARS for F/A 18 flight planning. Goggles and ballistic shields. The Laser Engineered Net Shaping (LENS) "
     "process repairs IBRs; LENS is additive. Iridium lined rhenium chambers. Multispectral zinc sulfide "
     "windows. Detecting Coxiella antigen. Sensors for ATR in ISR. Passive coherent combining.",
     [("F/A 18", "combat_aircraft"), ("ballistic shields", "body_armour"),
      ("Laser Engineered Net Shaping", "metal_additive_manufacturing"), ("LENS", "metal_additive_manufacturing"),
      ("LENS", "metal_additive_manufacturing"), ("Iridium lined rhenium chambers", "liquid_rocket_engine"),
      ("Multispectral zinc sulfide", "infrared_optics"), ("Coxiella", "coxiella_burnetii"),
      ("ATR", "automatic_target_recognition"), ("Passive coherent combining", "high_power_laser")]),
    # unmarked: a camera's lens in capitals, a spectroscopy technique, a phosphor
    ("THE LENS OF THE CAMERA. ATR spectroscopy of the film. Zinc sulfide phosphors glow.", []),
    # blind batches 136 and 137
    ("The KV of the interceptor missile; a 40 mm airburst projectile; an MRAP(Mine Resistant Ambush Protected) "
     "vehicle; the T-6 A/B trainer; USW-DSS nodes; highly uniform InGaAs APD arrays and the APDs' gain; "
     "the Orion Crew Exploration Vehicle (CEV) and the Lunar Surface Access Module; LOX/CH4 propellant; "
     "distributed Bragg reflector (DBR) laser diodes; atom clocks; Bi 2212 coils; electro-optic modulators; "
     "IDS/IPS and firewall appliances; a C103 niobium alloy.",
     [("KV", "surface_to_air_missile"), ("interceptor missile", "surface_to_air_missile"),
      ("airburst projectile", "ammunition"), ("MRAP", "armoured_fighting_vehicle"),
      ("Mine Resistant Ambush Protected", "armoured_fighting_vehicle"), ("T-6 A/B", "military_trainer_aircraft"),
      ("USW-DSS", "anti_submarine_warfare"), ("InGaAs APD", "avalanche_photodiode"),
      ("APDs", "avalanche_photodiode"), ("Orion Crew Exploration Vehicle", "crewed_spacecraft"),
      ("CEV", "crewed_spacecraft"), ("Lunar Surface Access Module", "planetary_lander"), ("LOX/CH4 propellant", "propellant"),
      ("distributed Bragg reflector", "semiconductor_laser"), ("laser diodes", "semiconductor_laser"),
      ("atom clocks", "atomic_clock"), ("Bi 2212", "superconducting_material"),
      ("electro-optic modulators", "electro_optic_modulator"), ("IDS/IPS", "network_intrusion_detection"),
      ("C103 niobium alloy", "refractory_alloy")]),
    # unmarked: a kilovolt, a partial differential equation, a hospital's APD, a vitamin's IDS
    ("A 10 KV supply; the PDE solver for heat flow; the APD in the clinic; IDS of the patients.", []),
    # blind batches 138 and 139
    ("A small ES receiver for UASs; the Mk82 bomb; an RF-Photonic Module; cryptographic algorithms; composite "
     "grid fins; Pn-N detectors of LWIR MBE-grown HgCdTe; adaptive flight control for a tilt-rotor; IMM solar "
     "cells; towpreg and carbon tow; RF/EOIR sensor elements; a discrimination engine for the BMDS; high "
     "resolution range profiles; the Ares V payload shroud and the Earth Departure Stage; the Sky Polarization "
     "and Sun Sensor; eyesafe laser diode pump modules; infrared-transmitting sensor windows.",
     [("ES receiver", "radar_warning_receiver"), ("UASs", "unmanned_aerial_vehicle"), ("Mk82 bomb", "aerial_bomb"),
      ("RF-Photonic Module", "microwave_photonics"), ("cryptographic algorithms", "cryptography"),
      ("composite grid fins", "missile_grid_fin"), ("Pn-N detectors", "hgcdte_detector"), ("LWIR", "infrared_band_imaging"),
      ("MBE", "epitaxy_equipment"), ("HgCdTe", "hgcdte_detector"), ("adaptive flight control", "flight_control_computer"),
      ("tilt-rotor", "tiltrotor"), ("IMM solar cells", "space_solar_cell"), ("towpreg", "carbon_fibre"), ("carbon tow", "carbon_fibre"),
      ("RF/EOIR", "eo_ir_sensor"), ("discrimination engine", "automatic_target_recognition"),
      ("BMDS", "surface_to_air_missile"), ("high resolution range profiles", "high_range_resolution_radar"),
      ("Ares V", "space_launch_vehicle"), ("payload shroud", "space_launch_vehicle"),
      ("Earth Departure Stage", "rocket_stage"), ("Sky Polarization and Sun Sensor", "celestial_navigation"),
      ("laser diode pump modules", "semiconductor_laser"), ("infrared-transmitting sensor windows", "infrared_optics")]),
    # unmarked: immigration review, turbine interstage seals, molecular beams in a lab without growth
    ("The Executive Office for Immigration Review (EOIR) set fees; HPT rotor interstage seals cracked.", []),
    # blind batches 140 and 141
    ("MDA sensors such as PTSS track missiles; torpedo detection, classification and localization (TDCL); LEEFI "
     "initiators in a multipoint initiation system; the control element drive mechanism system; the Army's "
     "Bi-Directional Remote Video Transceiver; Al/Gr composites; the Electronic Combat Decision Support System "
     "(ECDSS); Holographic Beam Control; LOX/hydrocarbon engines; PRND equipment; a digital ROIC (DROIC) for "
     "HgCdTe arrays; single crystal casting; windows of ALON or Spinel.",
     [("PTSS", "space_based_infrared_surveillance"), ("missiles", "missile"),
      ("torpedo detection, classification and localization", "anti_submarine_warfare"), ("TDCL", "anti_submarine_warfare"),
      ("LEEFI initiators", "slapper_detonator"), ("multipoint initiation system", "slapper_detonator"),
      ("control element drive mechanism system", "control_rod"),
      ("Bi-Directional Remote Video Transceiver", "tactical_data_link"), ("Al/Gr composites", "metal_matrix_composite"),
      ("Electronic Combat Decision Support System", "electronic_warfare"), ("ECDSS", "electronic_warfare"),
      ("Holographic Beam Control", "beam_control"), ("LOX/hydrocarbon engines", "liquid_rocket_engine"),
      ("PRND equipment", "radiation_detector"), ("digital ROIC", "readout_integrated_circuit"),
      ("DROIC", "readout_integrated_circuit"), ("HgCdTe", "hgcdte_detector"),
      ("single crystal casting", "single_crystal_turbine_blade"), ("ALON", "transparent_ceramic"),
      ("Spinel", "transparent_ceramic")]),
    # unmarked: stress symptoms, a battery cathode's spinel
    ("Veterans reported PTSS after deployment; a spinel LiMn2O4 cathode for the battery.", []),
    # blind batches 142 and 143
    ("Diamond optics with AR structures; a LOX-rich staged combustion cycle; scheduling GDPAAs; a magnetohydrodynamic "
     "rate sensor; a 6 MeV accelerator; a VHALE aircraft; conductive gap-fillers for LO coatings; toxic industrial "
     "compounds (TICs) and their detection; a Single Crystal Bimorph Array mirror; jet engine turbine blades with "
     "thermal barrier coatings; a Ho-doped fluoride fiber pre-amplifier; a digital nightvision sensor; TTNT and "
     "N-CDL; infrared spectral imaging; the OH-58D.",
     [("Diamond optics", "infrared_optics"), ("LOX-rich staged combustion", "liquid_rocket_engine"),
      ("GDPAAs", "phased_array_antenna"), ("magnetohydrodynamic rate sensor", "gyroscope"),
      ("MeV accelerator", "particle_accelerator"), ("VHALE aircraft", "male_hale_uav"),
      ("conductive gap-fillers", "low_observable_technology"), ("LO coatings", "low_observable_technology"),
      ("toxic industrial compounds", "toxic_industrial_chemical"), ("TICs", "toxic_industrial_chemical"),
      ("Single Crystal Bimorph Array", "adaptive_optics"), ("jet engine", "gas_turbine_engine"),
      ("turbine blades", "single_crystal_turbine_blade"), ("thermal barrier coatings", "thermal_barrier_coating"),
      ("Ho-doped fluoride fiber", "fibre_laser"), ("digital nightvision sensor", "night_vision"),
      ("TTNT", "tactical_data_link"), ("N-CDL", "tactical_data_link"), ("infrared spectral imaging", "hyperspectral_imaging"),
      ("OH-58D", "attack_helicopter")]),
    # unmarked: wind turbine blades, a facial tic, thermal interface materials
    ("Wind turbine blades of the farm; the TIC of the patient; TIMs between the board and the heat sink.", []),
    # blind batches 144 and 145
    ("Conventional IR bolometers; an optical parametric generator; precision weapons; space photovoltaic systems; "
     "X-Ray FELs; Image Mapping Spectrometry; a battle management aid; SiC ceramic fiber tows; BHT-1500 thrusters; "
     "a Multi-Mode Orbit Maneuvering System; password attack technology; a cryocooled ADC chip; the Preshot Sniper "
     "Detection system; an Electric Sparker Impulsive Source sonobuoy.",
     [("IR bolometers", "microbolometer"), ("optical parametric generator", "nonlinear_frequency_conversion"),
      ("precision weapons", "precision_guided_munition"), ("space photovoltaic", "space_solar_cell"),
      ("X-Ray FELs", "free_electron_laser"), ("Image Mapping Spectrometry", "hyperspectral_imaging"),
      ("battle management aid", "command_and_control_system"), ("SiC ceramic fiber", "silicon_carbide_fibre"),
      ("BHT-1500", "spacecraft_electric_propulsion"), ("thrusters", "spacecraft_electric_propulsion"),
      ("Multi-Mode Orbit Maneuvering System", "spacecraft_chemical_thruster"), ("password attack", "intrusion_software"),
      ("cryocooled ADC", "analog_to_digital_converter"), ("Preshot Sniper Detection", "gunshot_detection"),
      ("Electric Sparker Impulsive Source", "sonobuoy"), ("sonobuoy", "sonobuoy")]),
    # unmarked: a fuel-cell FEL without a laser word, space on a shelf, DNA of a plant
    ("The FEL of the plant was measured; shelf space cells; plant DNA sequencing.", []),
    # blind batches 146 and 147
    ("A novel spectral imager; armor from Stryker programs; W-25Re and Mo-Re alloys; TDACS thrust pintles; "
     "electromagnetic armor; the Active Protection System; a hard kill countermeasure; spinel domes; "
     "solid pyrogens and squibs; miniature inertial igniters; JSLIST uniforms; cadmium manganese telluride "
     "detectors; a sealed gas spark gap; LO materials.",
     [("spectral imager", "multispectral_imaging"), ("armor", "armour_plate"), ("Stryker", "armoured_fighting_vehicle"),
      ("W-25Re", "refractory_alloy"),
      ("Mo-Re alloys", "refractory_alloy"), ("TDACS", "divert_attitude_control_system"),
      ("thrust pintles", "divert_attitude_control_system"), ("electromagnetic armor", "railgun"),
      ("Active Protection System", "armoured_fighting_vehicle"), ("hard kill countermeasure", "torpedo_countermeasure"),
      ("spinel domes", "transparent_ceramic"), ("solid pyrogens", "detonator"),
      ("squibs", "detonator"), ("miniature inertial igniters", "detonator"), ("JSLIST uniforms", "cbrn_protective_equipment"),
      ("cadmium manganese telluride", "radiation_detector"), ("sealed gas spark gap", "triggered_spark_gap"),
      ("LO materials", "low_observable_technology")]),
    # unmarked: a first name
    ("Alon Levy wrote the report on the budget.", []),
    # blind batches 148 and 149
    ("Nerve gas exposure; avian flu vaccines; lead magnesium niobate-lead titanate crystals; a mobile X-ray "
     "backscatter imaging system; coated IBRs for the compressor; thermal spray coatings; the mobile THEL and "
     "JHPSSL; relay mirror systems; a safe-arm device; Tacsat-5; structural reactive composites for munitions; "
     "AiTR functions; sapphire windows for the IR seeker; Ho3+-doped fiber lasers; conformal load-bearing antenna "
     "structures.",
     [("Nerve gas", "nerve_agent"), ("avian flu", "highly_pathogenic_avian_influenza"),
      ("lead magnesium niobate-lead titanate", "piezoelectric_single_crystal"),
      ("X-ray backscatter imaging system", "compton_imaging"), ("IBRs", "blisk"),
      ("thermal spray coatings", "coating_equipment"), ("THEL", "laser_weapon"), ("JHPSSL", "laser_weapon"),
      ("relay mirror systems", "beam_control"), ("safe-arm device", "detonator"), ("Tacsat-5", "small_satellite"),
      ("reactive composites", "energetic_material"), ("munitions", "ammunition"),
      ("AiTR", "automatic_target_recognition"), ("sapphire windows", "infrared_optics"), ("seeker", "missile_seeker"),
      ("Ho3+-doped fiber lasers", "fibre_laser"), ("conformal load-bearing antenna structures", "phased_array_antenna")]),
    # unmarked: incorporation by reference, a watch glass, composites with no munition
    ("The standard is approved for IBR in the rule. The watch has sapphire windows. The team wrote on reactive "
     "composites.", []),
    # blind batches 150 and 151
    ("A wideband DDS with a DAC; fire control for the interceptor missiles; the Position Navigation Time unit; a "
     "multifunction integrated optic chip (MIOC); transparent armors; space-time adaptive processing; a MIMO radar and "
     "its digital receiver/exciter; AlInGaN layers; SigInt analysts; a covert precision aerial delivery system; "
     "autonomous surface vehicles; Ti64 parts; nuclear detonation flashes; Ho3+-doped fluoride glass fiber.",
     [("wideband DDS", "frequency_synthesizer"), ("fire control", "fire_control_system"),
      ("interceptor missiles", "surface_to_air_missile"), ("Position Navigation Time", "pnt"),
      ("multifunction integrated optic chip", "fibre_optic_gyroscope"), ("MIOC", "fibre_optic_gyroscope"),
      ("transparent armors", "transparent_armour"), ("space-time adaptive processing", "radar"), ("MIMO radar", "radar"),
      ("digital receiver/exciter", "radar"), ("AlInGaN", "aluminium_nitride"), ("SigInt", "signals_intelligence"),
      ("covert precision aerial delivery system", "precision_airdrop"),
      ("autonomous surface vehicles", "unmanned_surface_vessel"), ("Ti64", "titanium_alloy"),
      ("nuclear detonation", "nuclear_weapon"), ("Ho3+-doped fluoride glass fiber", "fibre_laser")]),
    # unmarked: fire fighting, a company's name, middleware
    ("The county funds fire control and prevention.", []),
    ("Lockheed Martin Missiles and Fire Control is a partner. The DDS middleware links CORBA services at a 2 GHz "
     "clock.", []),
    # blind batches 152 and 153
    ("Peroxide-based explosives; gamma-ray imaging systems; GE90 and CFM56 engines; Harden By Design (HBD) parts; HBD "
     "circuits; unexploded ordinance; an integrated swimmer defense system; smoke pots; non-toxic obscurants for "
     "dispersion from grenades; an IFF beacon; SAM sites; Operationally Responsive Space (ORS) satellites; corrugated "
     "QWIP arrays; flank arrays; machinegun barrels; EMP hardening against a pulse.",
     [("Peroxide-based explosives", "energetic_material"), ("gamma-ray imaging systems", "radiation_detector"),
      ("GE90", "gas_turbine_engine"), ("CFM56", "gas_turbine_engine"),
      ("Harden By Design", "radiation_hardened_electronics"), ("HBD", "radiation_hardened_electronics"),
      ("HBD", "radiation_hardened_electronics"), ("unexploded ordinance", "unexploded_ordnance"),
      ("integrated swimmer defense system", "diver_detection_sonar"), ("smoke pots", "grenade"),
      ("obscurants", "military_obscurant"), ("grenades", "grenade"), ("IFF beacon", "iff"),
      ("SAM sites", "surface_to_air_missile"), ("Operationally Responsive Space", "small_satellite"),
      ("ORS", "small_satellite"), ("satellites", "satellite"), ("corrugated QWIP", "focal_plane_array"),
      ("flank arrays", "hull_mounted_sonar"), ("machinegun barrels", "gun_barrel"),
      ("EMP", "high_power_microwave_weapon")]),
    # unmarked: weather obscurants, acronyms with no context
    ("Battlefield obscurants such as fog and smoke. The HBD team met. The EMP of the site was filed.", []),
    # blind batches 154 and 155
    ("Generation IV nuclear power systems; IAMD systems; multiphase Mo-based alloys; tamper detection; nanoenergetics "
     "and nanothermites; Navy C4I; military jet aircraft; Glonass; the RQ-21A; a field programmable gated array; "
     "air-dropped buoys.",
     [("Generation IV nuclear power systems", "reactor_type"), ("IAMD systems", "surface_to_air_missile"),
      ("Mo-based alloys", "refractory_alloy"), ("tamper detection", "anti_tamper"),
      ("nanoenergetics", "energetic_material"), ("nanothermites", "thermite"), ("C4I", "command_and_control_system"),
      ("military jet aircraft", "combat_aircraft"), ("Glonass", "satellite_navigation"),
      ("RQ-21A", "unmanned_aerial_vehicle"), ("field programmable gated array", "fpga"),
      ("air-dropped buoys", "sonobuoy")]),
    # unmarked: buoys that are dropped but not from the air
    ("The buoys were dropped from the pier.", []),
    # blind batches 156 and 157
    ("The Paladin Integrated Management vehicle; frozen wave generators and an ultra-fast spark switch; HALE aircraft; a "
     "Gen III I2 tube; analog-to-digital conversion; pulsed-detonation engines; Communications-On-the-Move; a vertical "
     "line array; the RSRM; vesicant exposure; Common Smart Submunitions; weapons seekers; MCM sonar for mines; next "
     "generation nuclear plants (NGNP); the COBRA Block I system; minefields; the M-4 rifle; Solid-State Active Denial "
     "Technology.",
     [("Paladin Integrated Management", "artillery"), ("frozen wave generators", "pulsed_power"),
      ("ultra-fast spark switch", "triggered_spark_gap"), ("HALE aircraft", "male_hale_uav"),
      ("Gen III I2 tube", "image_intensifier_tube"), ("analog-to-digital conversion", "analog_to_digital_converter"),
      ("pulsed-detonation engines", "detonation_engine"), ("Communications-On-the-Move", "satellite_communications"),
      ("vertical line array", "towed_array_sonar"), ("RSRM", "solid_rocket_motor"), ("vesicant", "chemical_warfare_agent"),
      ("Common Smart Submunitions", "cluster_munition"), ("weapons seekers", "missile_seeker"),
      ("MCM", "mine_countermeasures_vessel"), ("sonar", "sonar"), ("mines", "naval_mine"),
      ("next generation nuclear plants", "reactor_type"), ("NGNP", "reactor_type"),
      ("COBRA Block I system", "mine_detection"), ("minefields", "landmine"), ("M-4", "rifle"), ("rifle", "rifle"),
      ("Solid-State Active Denial Technology", "directed_energy_weapon")]),
    # unmarked: a committee, a motorway, an accelerator's RF sources
    ("The MCM met on the budget. Take the M4 motorway. High power RF sources drive the collider.", []),
    # blind batches 158 and 159
    ("Internet Protocol Encryptors; a D-D fusion reaction; TICs, CWAs and BWAs as threats; a phase array antenna; the "
     "TR MMIC and TR modules; the Multistatic Active Coherent system.",
     [("Internet Protocol Encryptors", "network_encryptor"), ("D-D fusion reaction", "neutron_generator"),
      ("TICs", "toxic_industrial_chemical"), ("CWAs", "chemical_warfare_agent"), ("BWAs", "biological_weapon"),
      ("phase array antenna", "phased_array_antenna"), ("TR MMIC", "transmit_receive_module"),
      ("TR modules", "transmit_receive_module"), ("Multistatic Active Coherent system", "sonobuoy")]),
    # unmarked: broadband wireless access, a course's module
    ("The BWA network gives rural broadband. The TR module of the course is online.", []),
    # blind batches 160 and 161
    ("A transmit receive module; CBRNE agents; the MTVR and FMTV trucks; a WFOV IR projector; APM2 and M993 rounds; a "
     "combat ID beacon; hyperpolarized 3He; integral bladed rotors; bird flu strains.",
     [("transmit receive module", "transmit_receive_module"), ("CBRNE agents", "chemical_warfare_agent"),
      ("MTVR", "military_ground_vehicle"), ("FMTV", "military_ground_vehicle"),
      ("WFOV IR projector", "infrared_scene_projector"), ("APM2", "ammunition"), ("M993 rounds", "ammunition"),
      ("combat ID beacon", "iff"), ("hyperpolarized 3He", "helium_3"), ("integral bladed rotors", "blisk"),
      ("bird flu", "highly_pathogenic_avian_influenza")]),
    # unmarked: a lower-case "3he" is no isotope
    ("The 3he room is on the left.", []),
    # blind batches 162 and 163
    ("A hose and drogue system and the refueling probe; SDACS thrusters; DSCS satellites; arenavirus and Puumala virus "
     "vaccines; HRR for the radar targets; supersonic combustion; Cs2YLiCl6:Ce crystals; the V-Bat; energetic composites "
     "of Al-Fe2O3; the M256 120 mm gun; Benite; C103 for the thruster.",
     [("hose and drogue system", "aerial_refuelling"), ("refueling probe", "aerial_refuelling"),
      ("SDACS thrusters", "divert_attitude_control_system"), ("DSCS satellites", "satellite_communications"),
      ("arenavirus", "south_american_haemorrhagic_fever_virus"), ("Puumala virus", "hantavirus"),
      ("HRR", "high_range_resolution_radar"), ("radar", "radar"), ("supersonic combustion", "scramjet"),
      ("Cs2YLiCl6:Ce", "radiation_detector"), ("V-Bat", "unmanned_aerial_vehicle"),
      ("energetic composites", "energetic_material"), ("Al-Fe2O3", "thermite"), ("M256", "artillery"),
      ("120 mm gun", "artillery"), ("Benite", "propellant"), ("C103", "refractory_alloy"),
      ("thruster", "spacecraft_electric_propulsion")]),
    # unmarked: a room number, a heart rate
    ("Room C103 is on the second floor. The HRR of the patients fell.", []),
    # blind batches 164 and 165
    ("The CG(X) cruisers; star cameras; a Detect, Sense, and Avoid system; a magnetostrictive transducer; Reaction Jet "
     "Control for the interceptor; a pulse detonation test of the PDE; concealed explosives; fissionable material; an "
     "ACOG scope and gun sights; the H-53K; standoff weapons; AEHF satellites.",
     [("CG(X) cruisers", "warship"), ("star cameras", "star_tracker"), ("Detect, Sense, and Avoid", "sense_and_avoid"),
      ("magnetostrictive transducer", "sonar_transducer"), ("Reaction Jet Control", "divert_attitude_control_system"),
      ("interceptor", "surface_to_air_missile"), ("PDE", "detonation_engine"),
      ("concealed explosives", "energetic_material"), ("fissionable material", "fissile_material"),
      ("ACOG scope", "weapon_sight"), ("gun sights", "weapon_sight"), ("H-53K", "attack_helicopter"),
      ("standoff weapons", "cruise_missile"), ("AEHF satellites", "satellite_communications")]),
    # unmarked: a partial differential equation
    ("We solve the PDE on a grid.", []),
    # blind batches 166 and 167
    ("Hypergolic ionic liquid fuels; an EOD face shield on the ACH helmet; MEMS-based S&A devices; the M17 periscope in "
     "the Stryker and Bradley hatches; flextensional transducers; the V22; a gamma detector.",
     [("Hypergolic ionic liquid", "propellant"), ("EOD face shield", "body_armour"), ("ACH helmet", "body_armour"),
      ("MEMS-based S&A devices", "detonator"), ("M17 periscope", "armoured_fighting_vehicle"),
      ("Stryker", "armoured_fighting_vehicle"), ("Bradley", "armoured_fighting_vehicle"),
      ("flextensional transducers", "sonar_transducer"), ("V22", "tiltrotor"), ("gamma detector", "radiation_detector")]),
    # unmarked: a first name
    ("Bradley Smith chaired the panel.", []),
    # blind batches 168 and 169
    ("Avian influenza vaccines; the EAPS interceptor; a Ta-W liner; a MILS kernel; Public Key Infrastructure; NBC "
     "agents; an SSTO vehicle; High Velocity Oxygenated Fuel coatings; 0.50 cal rounds; an EO seeker system.",
     [("Avian influenza", "highly_pathogenic_avian_influenza"), ("EAPS", "artillery"),
      ("interceptor", "surface_to_air_missile"), ("Ta-W", "refractory_alloy"), ("MILS", "cross_domain_solution"),
      ("Public Key Infrastructure", "public_key_cryptography"), ("NBC agents", "chemical_warfare_agent"),
      ("SSTO vehicle", "space_launch_vehicle"), ("High Velocity Oxygenated Fuel", "coating_equipment"),
      ("0.50 cal rounds", "ammunition"), ("EO seeker system", "missile_seeker")]),
    # unmarked: lower-case "mils" are thousandths of an inch
    ("The coating is 5 mils thick.", []),
    # blind batches 170 and 171
    ("Non-lethal weapons such as the FN303 launcher; a blinding laser; polymeric nitrogen; Automatic Modulation "
     "Classification of signals; the ACTUV program; a DPSSL pump; a wide band-gap switch; a TIMU; adaptive pulse "
     "compression in the radar.",
     [("Non-lethal weapons", "less_lethal_weapon"), ("FN303 launcher", "less_lethal_weapon"),
      ("blinding laser", "laser_weapon"), ("polymeric nitrogen", "energetic_material"),
      ("Automatic Modulation Classification", "electronic_warfare"), ("ACTUV", "unmanned_surface_vessel"),
      ("DPSSL", "solid_state_laser"), ("wide band-gap", "wide_bandgap_semiconductor"),
      ("TIMU", "inertial_measurement_unit"), ("adaptive pulse compression", "radar"), ("radar", "radar")]),
    # unmarked: PCR outside any pathogen or defence context; VX Aerospace is a company
    ("A quantitative PCR assay for fragile X genotyping; parts made at VX Aerospace.", []),
    # blind batches 172 and 173
    ("Sounds of crew-served weapons on combat vehicles; a composite missile canister for VLS ships; single-event "
     "hardening; Coherent Change Detection; single photon counting receivers; Combat ID; direct-energy weapons; a "
     "secure coprocessor; baggage EDS for explosives; an X-ray generator for cargo inspection.",
     [("crew-served weapons", "machine_gun"), ("combat vehicles", "armoured_fighting_vehicle"),
      ("missile canister", "missile_launcher"), ("VLS", "missile_launcher"),
      ("single-event hardening", "radiation_hardened_electronics"),
      ("Coherent Change Detection", "synthetic_aperture_radar"),
      ("single photon counting receivers", "single_photon_detector"), ("Combat ID", "iff"),
      ("direct-energy weapons", "directed_energy_weapon"), ("secure coprocessor", "hardware_security_module"),
      ("EDS", "explosives_detector"), ("explosives", "energetic_material"),
      ("X-ray generator", "inspection_xray_source")]),
    # unmarked: the verb "to combat" before "vehicle"; an EDS and an X-ray generator with no explosive or cargo
    # word anywhere; lower ion energetics
    ("Patrols work to combat vehicle theft. The EDS spectra and a dental X-ray generator show lower ion energetics.",
     []),
    # blind batches 174 to 181
    ("Star tracking navigation; EPLRS radios; the JSF F-135 engine; fiber reinforced aluminum; Remotely Piloted "
     "Aircrafts; ACOMMS modems; Nicalon fibers; an EMI sensor array for buried IEDs; Lasercomm over FSO links; "
     "EM launchers; laser-induced breakdown spectroscopy; super-thermite such as aluminum/copper oxide; ECM "
     "techniques; the Electrostatically Supported Gyro Navigator; a shipboard laser defense system; a reconnaissance "
     "pod; MOPP suits.",
     [("Star tracking navigation", "star_tracker"), ("EPLRS", "tactical_radio"),
      ("JSF F-135 engine", "military_turbofan"), ("fiber reinforced aluminum", "metal_matrix_composite"),
      ("Remotely Piloted Aircrafts", "unmanned_aerial_vehicle"), ("ACOMMS", "underwater_acoustic_communications"),
      ("Nicalon fibers", "ceramic_matrix_composite"), ("EMI sensor array", "mine_detection"),
      ("IEDs", "improvised_explosive_device"),
      ("Lasercomm", "free_space_optical_communications"), ("FSO links", "free_space_optical_communications"),
      ("EM launchers", "railgun"), ("laser-induced breakdown spectroscopy", "laser_induced_breakdown_spectroscopy"),
      ("super-thermite", "thermite"), ("aluminum/copper oxide", "thermite"), ("ECM techniques", "electronic_warfare"),
      ("Electrostatically Supported Gyro Navigator", "inertial_navigation_system"),
      ("shipboard laser defense system", "laser_weapon"), ("reconnaissance pod", "targeting_pod"),
      ("MOPP suits", "cbrn_protective_equipment")]),
    # unmarked: an EMI sensor with no mine or ordnance word; a hyphenated "gap-filler" sealant; LIBS
    # (lithium-ion batteries) with no laser word; an HUD office
    ("The EMI sensor met the emission limit. The gap-filler cured; LIBS packs and the HUD grant were filed.", []),
    # blind batches 182 to 187
    ("ACS thrusters; UV non-line-of-sight links; DDM of metal powder by laser deposition; the VTUAV; G agents and M8 "
     "test paper; the Space Shuttle; a backward wave oscillator; typhus; barrel suppressors for rifles; JTIDS; "
     "radioactive strontium; FBCB2; a Cross Domain Controller; carbon/phenolic aeroshells; an Attitude Heading "
     "Reference System; ColPro shelters; ETC gun rounds; USP lasers; triethylaluminum; the Gun Mission Module; "
     "rhenium; weapon-target pairing; a hose/drogue system.",
     [("ACS thrusters", "spacecraft_chemical_thruster"), ("UV non-line-of-sight", "free_space_optical_communications"),
      ("DDM", "additive_manufacturing"), ("laser", "laser"), ("VTUAV", "unmanned_aerial_vehicle"),
      ("G agents", "nerve_agent"), ("M8 test paper", "chemical_agent_detector"), ("Space Shuttle", "space_launch_vehicle"),
      ("backward wave oscillator", "travelling_wave_tube"), ("typhus", "rickettsia_prowazekii"),
      ("suppressors", "firearm_suppressor"), ("rifles", "rifle"), ("JTIDS", "tactical_data_link"),
      ("radioactive strontium", "radioactive_source"), ("FBCB2", "command_and_control_system"),
      ("Cross Domain Controller", "cross_domain_solution"), ("carbon/phenolic", "heat_shield"),
      ("Attitude Heading Reference System", "ahrs"), ("ColPro", "cbrn_protective_equipment"), ("ETC gun", "railgun"),
      ("USP lasers", "ultrafast_laser"), ("triethylaluminum", "hypergolic_propellant"),
      ("Gun Mission Module", "artillery"), ("rhenium", "refractory_alloy"),
      ("weapon-target pairing", "fire_control_system"), ("hose/drogue system", "aerial_refuelling")]),
    # unmarked: the same acronyms and words with none of their context words
    ("A tumor suppressor gene; USP grade water; the ETC timetable; DDM estimates; a peacekeeper mission; the LIM of "
     "detection.", []),
    # blind batches 188 to 191
    ("3DFL cameras; infrared scene projection; PAD/CAD devices; enterohemorrhagic E. coli (EHEC); the P-3/P-8 ASW "
     "aircraft; reaction control systems; a bolometer; an MCT sensor; Al-nanoparticles; RF DF equipment; MADL links; "
     "Xray backscatter; Adaptive Optical (AO) systems and AO mirrors.",
     [("3DFL", "lidar"), ("infrared scene projection", "infrared_scene_projector"),
      ("PAD/CAD", "cartridge_actuated_device"), ("enterohemorrhagic E. coli", "shiga_toxin"), ("EHEC", "shiga_toxin"),
      ("P-3", "military_transport_aircraft"), ("P-8", "military_transport_aircraft"),
      ("ASW aircraft", "anti_submarine_warfare"), ("reaction control systems", "spacecraft_chemical_thruster"),
      ("bolometer", "microbolometer"), ("MCT sensor", "hgcdte_detector"), ("Al-nanoparticles", "nano_aluminium_powder"),
      ("RF DF equipment", "radio_direction_finding"), ("MADL", "tactical_data_link"),
      ("Xray backscatter", "compton_imaging"), ("Adaptive Optical", "adaptive_optics"), ("AO", "adaptive_optics"),
      ("AO", "adaptive_optics")]),
    # unmarked: "P-8" and "AO" with none of their context words or definitions
    ("The ADP-8 form; P-8 of the minutes; AO of the committee; a bolometric survey.", []),
    # blind batches 192 to 195
    ("An actively stabilized drogue; the LED-based Incapacitator; Falcon 9 and Minotaur IV; small sats; X-ray pulsar "
     "navigation (XNAV); aircraft survivability equipment; crypto equipment; DIFAR sonobuoys; a wideband beamformer; "
     "the UREX+ process; SH-60 and HH-65 helicopters; air-independent power; microthrusters; insensitive munitions "
     "(IM) and IM tests; HTPE binder; Inc718; a Human Occupied Vehicle; the M67 grenade.",
     [("actively stabilized drogue", "aerial_refuelling"), ("LED-based Incapacitator", "less_lethal_weapon"),
      ("Falcon 9", "space_launch_vehicle"), ("Minotaur IV", "space_launch_vehicle"), ("small sats", "small_satellite"),
      ("X-ray pulsar navigation", "celestial_navigation"), ("XNAV", "celestial_navigation"),
      ("aircraft survivability equipment", "aircraft_missile_protection"), ("crypto equipment", "cryptography"),
      ("DIFAR sonobuoys", "sonobuoy"), ("wideband beamformer", "phased_array_antenna"),
      ("UREX+ process", "reprocessing_plant"), ("SH-60", "attack_helicopter"), ("HH-65", "attack_helicopter"),
      ("air-independent power", "air_independent_propulsion"), ("microthrusters", "spacecraft_chemical_thruster"),
      ("insensitive munitions", "ammunition"), ("IM", "ammunition"), ("IM", "ammunition"), ("HTPE", "htpb"),
      ("Inc718", "nickel_superalloy"), ("Human Occupied Vehicle", "manned_submersible"), ("M67 grenade", "grenade")]),
    # unmarked: the same acronyms and designations with none of their context words
    ("The M67 star cluster; IM messages; the C-5 vertebra; an HOV lane.", []),
    # blind batches 196 to 199
    ("LASV and O157:H7; a public key cryptosystem; an Unmanned Ground Sensor (UGS); the Low Elevation Antenna Nuller; "
     "F-18E/F jets; Scan Eagle and BATMAV; the E-6B TACAMO aircraft; hypergolic energetic ionic liquids (EILs); "
     "tethered EMD devices; CBRNE agents; a trace detection wand; the BLU 109; the Presidential Helicopter; AlON "
     "domes; the Integrated Undersea Surveillance System (IUSS); the SQQ-89(V)15; optical true time delay.",
     [("LASV", "lassa_virus"), ("O157:H7", "shiga_toxin"), ("public key cryptosystem", "cryptography"),
      ("Unmanned Ground Sensor", "unattended_ground_sensor"), ("UGS", "unattended_ground_sensor"),
      ("Low Elevation Antenna Nuller", "anti_jam_gnss_antenna"), ("F-18E/F", "combat_aircraft"),
      ("Scan Eagle", "small_tactical_uav"), ("BATMAV", "small_tactical_uav"),
      ("E-6B TACAMO", "military_transport_aircraft"), ("hypergolic energetic ionic liquids", "propellant"),
      ("EILs", "propellant"), ("tethered EMD devices", "less_lethal_weapon"), ("CBRNE agents", "chemical_warfare_agent"),
      ("trace detection wand", "explosives_detector"), ("BLU 109", "aerial_bomb"),
      ("Presidential Helicopter", "attack_helicopter"), ("AlON", "transparent_ceramic"),
      ("Integrated Undersea Surveillance System", "seabed_sonar_array"), ("IUSS", "seabed_sonar_array"),
      ("SQQ-89(V)15", "sonar"), ("optical true time delay", "phased_array_antenna")]),
    # unmarked: a name and a word that share letters with the new kinds
    ("Alon said the Talon claws; a trace of tea.", []),
    # blind batches 200 to 203
    ("A hypervelocity projectile; spent nuclear fuels; dual-band photodetector arrays; a fused fiber combiner; stealth "
     "platforms; two PUF designs for chip authentication; burn rate modifiers; analog beamforming networks; DREX "
     "modules; multipoint detonation; HVPE and OMVPE tools for InGaN; CB protective fabric; the Soldier "
     "Radio-Rifleman; the EFV; API projectiles; Identification Friend-or-Foe; large-mode-area fiber.",
     [("hypervelocity projectile", "railgun"), ("spent nuclear fuels", "nuclear_fuel"),
      ("dual-band photodetector arrays", "focal_plane_array"), ("fused fiber combiner", "fibre_laser"),
      ("stealth platforms", "low_observable_technology"), ("PUF", "anti_tamper"),
      ("burn rate modifiers", "burn_rate_catalyst"), ("analog beamforming networks", "phased_array_antenna"),
      ("DREX modules", "radar"), ("multipoint detonation", "slapper_detonator"), ("HVPE", "epitaxy_equipment"),
      ("OMVPE", "epitaxy_equipment"), ("InGaN", "aluminium_nitride"),
      ("CB protective fabric", "cbrn_protective_equipment"), ("Soldier Radio-Rifleman", "tactical_radio"),
      ("EFV", "armoured_fighting_vehicle"), ("API projectiles", "ammunition"),
      ("Identification Friend-or-Foe", "iff"), ("large-mode-area fiber", "fibre_laser")]),
    # unmarked: PUF as polyurethane foam; API as a software interface
    ("PUF insulation panels; the API documentation.", []),
    # blind batches 204 and 205
    ("pmmW sensors; thallium bromide (TlBr) and CZT detectors; x-ray pulsar signals; the UH-1 tail boom; the Harpoon "
     "3700-4 Seeker; optical free space communication; IFOG coils; the UHF Follow-On (UFO) satellites; the CPU of a "
     "radiation-hardened board.",
     [("pmmW sensors", "millimetre_wave_radar"), ("thallium bromide", "radiation_detector"),
      ("TlBr", "radiation_detector"), ("CZT detectors", "radiation_detector"), ("x-ray pulsar", "celestial_navigation"),
      ("UH-1 tail boom", "attack_helicopter"), ("Harpoon 3700-4 Seeker", "anti_ship_missile"),
      ("optical free space communication", "free_space_optical_communications"), ("IFOG", "fibre_optic_gyroscope"),
      ("UHF Follow-On", "satellite_communications"), ("UFO", "satellite_communications"), ("satellites", "satellite"),
      ("CPU", "microprocessor"), ("radiation-hardened", "radiation_hardened_electronics")]),
    # unmarked: a CPU with no hardened, space or military word; a fibre-optic cable (taken out over the whole gold)
    ("A CPU benchmark for laptops; a fiber optic cable run.", []),
    # blind batches 206 and 207
    ("The HSRL; MK-80 series bombs; M8 detection strips; the HELLFIRE-R; KEI interceptors; superantigens such as "
     "TSST-1; a Wasp UAV with SIGINT; a cartridge case; Infrared Counter Measures (IRCM); expendable decoys; a "
     "silicon MCP.",
     [("HSRL", "lidar"), ("MK-80 series bombs", "aerial_bomb"), ("M8 detection strips", "chemical_agent_detector"),
      ("HELLFIRE-R", "missile"), ("KEI", "surface_to_air_missile"), ("interceptors", "surface_to_air_missile"),
      ("superantigens", "staphylococcal_enterotoxin"), ("TSST-1", "staphylococcal_enterotoxin"),
      ("Wasp", "small_tactical_uav"), ("UAV", "unmanned_aerial_vehicle"), ("SIGINT", "signals_intelligence"),
      ("cartridge case", "ammunition"), ("Infrared Counter Measures", "aircraft_missile_protection"),
      ("IRCM", "aircraft_missile_protection"), ("expendable decoys", "aircraft_missile_protection"),
      ("silicon MCP", "image_intensifier_tube")]),
    # unmarked: the insect, an index and a printer cartridge
    ("A wasp nest; the KEI index; an empty ink cartridge.", []),
    # blind batches 208 and 209
    ("A Single Integrated Air Picture (SIAP); wideband RF memory for Electronic Counter Measures and false target "
     "generation; Theater High Altitude Area Defense; EKV interceptors; combat ships; a combat control system; a "
     "REMUS vehicle; the SQQ89; HTPMC parts of PMR-15; a distributed aperture system; a guidance and control "
     "system; TALON units for IED defeat.",
     [("Single Integrated Air Picture", "command_and_control_system"), ("SIAP", "command_and_control_system"),
      ("RF memory", "electronic_warfare"), ("Electronic Counter Measures", "electronic_warfare"),
      ("false target generation", "electronic_warfare"),
      ("Theater High Altitude Area Defense", "surface_to_air_missile"), ("EKV", "surface_to_air_missile"),
      ("interceptors", "surface_to_air_missile"), ("combat ships", "warship"), ("combat control system", "warship"),
      ("REMUS", "autonomous_underwater_vehicle"), ("SQQ89", "sonar"), ("HTPMC", "polymer_matrix_composite"),
      ("PMR-15", "polymer_matrix_composite"), ("distributed aperture system", "eo_ir_sensor"),
      ("guidance and control system", "guidance_set"), ("TALON", "unmanned_ground_vehicle"),
      ("IED", "improvised_explosive_device")]),
    # unmarked: regulatory guidance, a jaw joint, a clinic and a bird's claws
    ("Guidance and controls for e-bikes; the TMD joint; an NMD clinic; Talon claws; random memory.", []),
    # blind batches 210 and 211
    ("The JSF Program; a DIAL system for methane; vertical power transistors; the citrus canker bacterium; SAR "
     "scene generation; nitrate ester plasticizers.",
     [("JSF Program", "combat_aircraft"), ("DIAL", "lidar"), ("vertical power transistors", "power_semiconductor"),
      ("citrus canker bacterium", "citrus_canker_bacterium"), ("SAR scene", "synthetic_aperture_radar"),
      ("nitrate ester plasticizers", "energetic_material")]),
    # unmarked: a telephone dial, a button, a web framework, a scan and vinyl plasticizers
    ("A dial system for phones; a DIAL button; a JSF web page; an MRI scene; ester plasticizers for vinyl.", []),
    # blind batches 212 and 213
    ("Single event upsets and SEU rates in CMOS circuits; a TDACS divert valve; an air-turbo-rocket; geolocating "
     "emitters; the Bradley and Paladin Integration Management (PIM) vehicles.",
     [("Single event upsets", "radiation_hardened_electronics"), ("SEU", "radiation_hardened_electronics"),
      ("TDACS", "divert_attitude_control_system"), ("divert valve", "divert_attitude_control_system"),
      ("air-turbo-rocket", "combined_cycle_engine"), ("geolocating emitters", "radio_direction_finding"),
      ("Bradley", "armoured_fighting_vehicle"), ("Paladin Integration Management", "artillery"), ("PIM", "artillery")]),
    # unmarked: a person, office printing, a university and an actor
    ("A suicide bomber; laser printing; the SEU campus; Bradley Cooper.", []),
    # blind batches 214 and 215
    ("A Mach-Zehnder interferometric intensity modulator; ADC and DAC chips at 2 Gsps; F136 engines; a 64x64 readout "
     "multiplexer; biological obscurants for the Army.",
     [("Mach-Zehnder interferometric intensity modulator", "electro_optic_modulator"),
      ("ADC", "analog_to_digital_converter"), ("DAC", "digital_to_analog_converter"), ("chips", "semiconductor"),
      ("F136 engines", "military_turbofan"), ("readout multiplexer", "readout_integrated_circuit"),
      ("biological obscurants", "military_obscurant")]),
    # unmarked: a data access committee, a form number, weather and a speed ratio
    ("The DAC approved data access; an F136 form; obscurants such as fog in a forest; a Mach number.", []),
    # blind batches 216 and 217
    ("Decks of amphibious ships under short take-off vertical landing aircraft; an active electronically scanned "
     "antenna; Minotaur 1 and Falcon 1; armored tactical vehicles; CMC components for the engine; photonic "
     "beamforming.",
     [("amphibious ships", "warship"), ("short take-off vertical landing", "combat_aircraft"),
      ("active electronically scanned antenna", "aesa_radar"), ("Minotaur 1", "space_launch_vehicle"),
      ("Falcon 1", "space_launch_vehicle"), ("armored tactical vehicles", "armoured_fighting_vehicle"),
      ("CMC", "ceramic_matrix_composite"), ("photonic beamforming", "phased_array_antenna")]),
    # unmarked: a drug filing's chemistry section, a lab tube, a frog and an optical material
    ("The CMC filing for the drug; a Falcon tube; the amphibious frog; a photonic crystal.", []),
    # blind batches 218 and 219
    ("Small-caliber tracer ammunition; 7.62mm rounds; surface ships and submarines; linear beam amplifiers; an E2 "
     "Hawkeye; CsI:Tl screens; GFI beam control.",
     [("Small-caliber tracer ammunition", "ammunition"), ("7.62mm rounds", "ammunition"), ("surface ships", "warship"),
      ("submarines", "submarine"), ("linear beam amplifiers", "travelling_wave_tube"),
      ("E2 Hawkeye", "military_transport_aircraft"), ("CsI:Tl", "radiation_detector"),
      ("GFI beam control", "beam_control")]),
    # unmarked: a freight shipment, a light beam and a view
    ("A surface shipment of grain; a linear beam of light; a hawkeye view.", []),
    # blind batches 220 and 221
    ("A Joint High Speed Vessel; a ground proximity warning system; sniper detectors; dismount detection from a "
     "UAV; an ATR for the seeker; RH-eDRAM memory; an infrared photodiode; armor panels; a photoconductive "
     "semiconductor switch; OneSAF and computer-generated forces; a Dismount Detection Radar.",
     [("Joint High Speed Vessel", "warship"), ("ground proximity warning system", "aircraft_surveillance_transponder"),
      ("sniper detectors", "gunshot_detection"), ("dismount detection", "automatic_target_recognition"),
      ("UAV", "unmanned_aerial_vehicle"), ("ATR", "automatic_target_recognition"), ("eDRAM", "memory_chip"),
      ("infrared photodiode", "infrared_detector"), ("armor panels", "armour_plate"),
      ("photoconductive semiconductor switch", "pulsed_power"), ("OneSAF", "military_training_simulation"),
      ("computer-generated forces", "military_training_simulation"), ("Dismount Detection Radar", "radar")]),
    ("The ATR 72 airplane and its flight controls; a high speed vessel for cargo; a blood vessel; sniper fire; "
     "a switch.", []),
    # blind batches 222 and 223
    ("Thermal batteries give primary power to military devices; a Safe/Arm (S/A) unit and the S/A; pyroelectric "
     "detectors; proportional navigation; a short wave IR sensor; a Combat Rubber Raiding Craft; reactive materials "
     "for nanothermite.",
     [("Thermal batteries", "reserve_battery"), ("Safe/Arm", "detonator"), ("S/A", "detonator"), ("S/A", "detonator"),
      ("pyroelectric detectors", "infrared_detector"), ("proportional navigation", "guidance_set"),
      ("short wave IR sensor", "swir_camera"), ("Combat Rubber Raiding Craft", "warship"),
      ("reactive materials", "energetic_material"), ("nanothermite", "thermite")]),
    ("A thermal battery pack cools milk in a village; at a safe arm's length; reactive materials in a solar cell; "
     "a rubber raft.", []),
    # blind batches 224 and 225
    ("SNM detection; an M203 grenade launcher; strike aircraft; neutral particle beams; III-Nitride lasers; the MTRS; "
     "explosive vapors; the IHPRPT goals; air data systems; a General Purpose Heat Source; the M-TADS; Constant Hawk "
     "imagery and Angel Fire EO.",
     [("SNM", "fissile_material"), ("M203 grenade launcher", "grenade"), ("strike aircraft", "combat_aircraft"),
      ("neutral particle beams", "directed_energy_weapon"), ("III-Nitride", "aluminium_nitride"), ("lasers", "laser"),
      ("MTRS", "unmanned_ground_vehicle"), ("explosive vapors", "energetic_material"), ("IHPRPT", "solid_rocket_motor"),
      ("air data systems", "avionics"), ("General Purpose Heat Source", "betavoltaic_battery"),
      ("M-TADS", "targeting_pod"), ("Constant Hawk", "wide_area_surveillance"), ("Angel Fire", "wide_area_surveillance")]),
    # unmarked: a labour strike, a resort town, a microscope's beam and a figure of speech
    ("A strike of the union; the Angel Fire Resort in New Mexico; a particle beam in a microscope; explosive growth of "
     "data.", []),
]


def test_an_acronym_glued_to_a_hyphenated_word_by_its_parenthesis_is_found(default_nlp):
    """spaCy's English rules keep "SQUID)-based" whole; the pipeline splits the parenthesis and
    the hyphen off, so the acronym and its later uses are found (batch 19)."""
    text = ("A superconducting quantum interference device (SQUID)-based scanner; the SQUID reads the sheet. "
            "Hydroxylammonium nitrate (HAN)-based monopropellants; HAN-based thrusters.")
    found = [(t, i) for t, _, i in tech(default_nlp, text)]
    assert found.count(("SQUID", "squid")) == 2 and found.count(("HAN", "hydroxylammonium_nitrate")) == 2
    assert [t.text for t in default_nlp.make_doc("(SERS)-based")] == ["(", "SERS", ")", "-", "based"]
    assert [t.text for t in default_nlp.make_doc("AN/SQQ-89A(V)15 and f(x)")] == ["AN", "/", "SQQ-89A(V)15", "and",
                                                                                "f(x", ")"]


def test_an_acronym_glued_to_a_slash_by_its_parenthesis_is_found(default_nlp):
    """spaCy's English rules keep "LPI)/" whole; the parenthesis and the slash are split off, so
    an acronym defined just before a slash is found (batch 190)."""
    text = "A Low Probability of Intercept (LPI)/ Low Probability of Detection (LPD) waveform; the LPI radio."
    found = [(t, i) for t, _, i in tech(default_nlp, text)]
    assert found.count(("LPI", "low_probability_of_intercept")) == 2
    assert [t.text for t in default_nlp.make_doc("(LPI)/(LPD)")] == ["(", "LPI", ")", "/", "(LPD", ")"]
    assert [t.text for t in default_nlp.make_doc("and/or f(x)/2 rad(Si)/s")] == ["and/or", "f(x)/2", "rad(Si)/s"]


def test_an_acronym_glued_to_the_next_word_by_its_parenthesis_is_found(default_nlp):
    """spaCy's English rules keep "(LRE)production" and "(EELV)s" whole; the parenthesis after two
    capitals is split off before a small letter, so the acronym and its later uses are found;
    a formula or a bracketed plural keeps its own reading."""
    text = ("Titanium hardware for Liquid Rocket Engine(LRE)production; the LRE parts. "
            "Evolved Expendable Launch Vehicle (EELV)s and the EELV fleet.")
    found = [(t, i) for t, _, i in tech(default_nlp, text)]
    assert found.count(("LRE", "liquid_rocket_engine")) == 2, found
    assert found.count(("EELV", "space_launch_vehicle")) == 2, found
    assert [t.text for t in default_nlp.make_doc("(PDE)and")] == ["(", "PDE", ")", "and"]
    assert [t.text for t in default_nlp.make_doc("Ca(OH)2 and Zr(O)C and rad(Si)/s")] == [
        "Ca(OH)2", "and", "Zr(O)C", "and", "rad(Si)/s"]


def test_a_double_quote_glued_between_letters_is_split_off(default_nlp):
    """SBIR abstracts write apostrophes as double quotes ("the Navy"s UAV"s") and glue quotes to
    words ('FPGAs"greatest'); the quote is split off, so the term and the cue are found (batch 57);
    quotes and inch marks elsewhere stay as spaCy's English rules leave them."""
    doc = default_nlp('The Navy"s UAV"s carry FPGAs"greatest strength for the soldier"s kit.')
    assert [(s.text, s.id_) for s in doc.spans[TECH_KEY]] == [("UAV", "unmanned_aerial_vehicle"), ("FPGAs", "fpga")]
    assert {c.text for c in doc.spans[CUES_KEY]} >= {"Navy", "soldier"}
    assert [t.text for t in default_nlp.make_doc('a 6" pipe, "quoted" words')] == [
        "a", "6", '"', "pipe", ",", '"', "quoted", '"', "words"]


def test_an_acronym_glued_to_its_long_form_by_a_parenthesis_is_split_off(default_nlp):
    """"signals intelligence(SIGINT)" kept "intelligence(SIGINT" whole (batch 59); an opening
    parenthesis between two small letters and two capitals is split off, formulas stay whole."""
    doc = default_nlp("Direction finding and signals intelligence(SIGINT); special nuclear materials(SNM).")
    assert [s.text for s in doc.spans[TECH_KEY]] == ["Direction finding", "signals intelligence", "SIGINT",
                                                     "special nuclear materials", "SNM"]
    assert [t.text for t in default_nlp.make_doc("Mg(OH)2 at 1 rad(Si)/sec; f(x)")] == [
        "Mg(OH)2", "at", "1", "rad(Si)/sec", ";", "f(x", ")"]


def test_a_full_stop_after_a_mixed_case_word_is_split_off(default_nlp):
    """spaCy's English rules keep "GaN.", "DoD." and "F-35A." whole (a full stop after a capital
    that follows a small letter or a digit), so a formula, acronym or model designation ending a
    sentence was missed; abbreviations stay whole (batches 40 and 44)."""
    doc = default_nlp("Films of compound semiconductors including GaN. The work is for the DoD. Made of SiC.")
    assert [(s.text, s.id_) for s in doc.spans[TECH_KEY]] == [
        ("semiconductors", "semiconductor"), ("GaN", "gallium_nitride"), ("SiC", "silicon_carbide")]
    assert [c.text for c in doc.spans[CUES_KEY]] == ["DoD"]
    assert [t.text for t in default_nlp.make_doc("U.S. Inc. Ph.D. e.g. Mr. Smith")] == [
        "U.S.", "Inc.", "Ph.D.", "e.g.", "Mr.", "Smith"]
    assert [t.text for t in default_nlp.make_doc("the F-35A. Then")] == ["the", "F-35A", ".", "Then"]


def test_a_full_stop_glued_between_an_acronym_and_the_next_sentence_is_split_off(default_nlp):
    """"on a UAV.The result" kept "UAV.The" as one token, so the drone and the sentence end were
    lost (12 times in the SBIR and Federal Register texts); abbreviations and a capital after a
    single letter stay as spaCy's English rules leave them."""
    doc = default_nlp("Test flights on a UAV.The result is good. Systems used by the DOD.Phase II goes on.")
    assert [(s.text, s.id_) for s in doc.spans[TECH_KEY]] == [("UAV", "unmanned_aerial_vehicle")]
    assert [c.text for c in doc.spans[CUES_KEY]] == ["DOD"]
    assert [s.text for s in doc.sents] == ["Test flights on a UAV.", "The result is good.",
                                           "Systems used by the DOD.", "Phase II goes on."]
    assert [t.text for t in default_nlp.make_doc("U.S.The end; U.S.A.Today")] == [
        "U.S.The", "end", ";", "U.S.A.Today"]


def test_a_long_pattern_is_known_with_each_of_its_hyphens_written_as_a_space():
    forms = surface_forms("high-temperature gas-cooled reactor")
    assert {"high temperature gas-cooled reactor", "high-temperature gas cooled reactor",
            "high temperature gas cooled reactor", "high-temperature-gas-cooled-reactor"} <= set(forms)
    assert "high temperature gas-cooled reactors" in forms


def test_a_capitalised_term_inside_a_company_name_is_not_a_mention(default_nlp):
    text = ("Honeybee Robotics Spacecraft Mechanisms Corporation builds robotics for spacecraft. Knowledge Based "
            "Systems, Inc. and Bell Semiconductor, LLC filed. The team detects UXO, Physical Optics Corporation "
            "says; for the pathogen, the SARS-CoV-2 Real-Time PCR Kit, DiaSorin Inc. is sold.")
    assert [t for t, _, _ in tech(default_nlp, text)] == ["robotics", "spacecraft", "UXO", "SARS-CoV-2", "Real-Time PCR"]
    assert tech(default_nlp, "Lidar Co. and 3D Printing Corp. filed; Metal Matrix Composites Company now ships.") == []


@pytest.mark.parametrize("text, mention", [
    ("High-Level Radioactive Waste Interpretation Limited Change to DOE Manual 435.1", "High-Level Radioactive Waste"),
    ("Machine Learning With Limited Labeled Data", "Machine Learning"),
    ("SYNTHETIC APERTURE RADAR IN A LIMITED BANDWIDTH", "SYNTHETIC APERTURE RADAR"),
    ("The Army completed the Night Vision Limited User Test", "Night Vision"),
    ("Electronic Warfare Company-Level Training", "Electronic Warfare"),
    ("Machine Learning Incorporated Into Radar Design", "Machine Learning"),
])
def test_title_case_words_that_can_end_a_company_name_do_not_hide_a_mention(default_nlp, text, mention):
    assert [t for t, _, _ in tech(default_nlp, text)][:1] == [mention]


def test_the_council_that_writes_far_rules_is_not_a_military_cue(default_nlp):
    def cues(text):
        doc = default_nlp(text)
        return [s.text for s in doc.spans[CUES_KEY] if s.label_ == "military"]
    assert cues("The Civilian Agency Acquisition Council and the Defense Acquisition Regulations Council agreed.") == []
    assert cues("The Defense Acquisition Regulations System amends the DFARS.") == ["Defense Acquisition", "DFARS"]


@pytest.mark.parametrize("text, military", [
    ("The DOT award raises awareness and prevention to combat it.", []),
    ("Efforts to combat human trafficking, help combat fraud, and further combat illegally spoofed robocalls.", []),
    ("The plan will combat the climate crisis and combat money laundering.", []),
    ("The VA medical center in Battle Creek; Battle Mountain Airport; Little Bighorn Battlefield National Monument.", []),
    ("Frontline workers in nursing homes.", []),
    # the noun stays a military cue, after "to" as well
    ("Surgeons about to be deployed to combat zones treat combat injuries on the battlefield.",
     ["to combat zones", "combat", "battlefield"]),
    ("Damage to combat vehicle structures; the combat engineers.", ["to combat vehicle", "combat"]),
])
def test_combat_as_a_verb_or_a_place_name_is_not_a_military_cue(default_nlp, text, military):
    doc = default_nlp(text)
    assert [s.text for s in doc.spans[CUES_KEY] if s.label_ == "military"] == military


@pytest.mark.parametrize("text, military", [
    # words that are military cues only near a military or export-control word
    ("Targeting cancer cells curbs cell proliferation; the lethal dose; end users of the software; a fuel tank "
     "and field-deployable water sensors.", []),
    ("The missile's targeting and lethality; nuclear proliferation; exports to a military end user; an Army tank "
     "company; deployable forces.",
     ["targeting", "lethality", "proliferation", "military end user", "Army", "tank", "deployable"]),
    # the Department's own agencies and its acquisition supplement are the Department
    ("The Defense Security Cooperation Agency (DSCA) and the DFARS.", ["Defense Security Cooperation Agency", "DSCA",
                                                                      "DFARS"]),
])
def test_cues_that_need_a_military_word_near_them(default_nlp, text, military):
    doc = default_nlp(text)
    assert [s.text for s in doc.spans[CUES_KEY] if s.label_ == "military"] == military


@pytest.mark.parametrize("text, expected", [
    # a document's own definition of the letters as something unrelated wins
    ("Alcoholic Liver Disease (ALD) is common; ALD patients were seen.", []),
    ("Steam Methane Reforming (SMR) makes hydrogen; each SMR unit is large.", []),
    ("We fit twenty Spherically Mounted Retroreflectors (SMRs) to the frame.", []),
    # a long form that shares a word with the term but names another thing (its last word)
    ("Timed artificial insemination (AI) after estrus; a single fixed-time AI.", []),
    ("A project titled School-Based Active Surveillance (SBAS) of fatigue in children.", []),
    # the term's own long form, even misspelt, keeps the acronym
    ("Films grown by atomic layer deposition (ALD); ALD is slow.",
     [("atomic layer deposition", "atomic_layer_deposition"), ("ALD", "atomic_layer_deposition"),
      ("ALD", "atomic_layer_deposition")]),
    ("Devices such as Field Programmable Gates Arrays (FPGAs). The FPGA is fast.",
     [("FPGAs", "fpga"), ("FPGA", "fpga")]),
    # an appositive is not a definition
    ("A rad-hard ASIC is designed: a single reliable component (ASIC).",
     [("rad-hard", "radiation_hardened_electronics"), ("ASIC", "asic"), ("ASIC", "asic")]),
])
def test_an_acronym_the_document_defines_as_something_unrelated_is_not_a_mention(default_nlp, text, expected):
    assert [(t, i) for t, _, i in tech(default_nlp, text)] == expected


@pytest.mark.parametrize("text, expected", BATCH_KINDS)
def test_kinds_found_missing_in_blind_batches_resolve_to_their_entries(default_nlp, text, expected):
    assert [(t, i) for t, _, i in tech(default_nlp, text)] == expected


@pytest.mark.parametrize("a, b, same", [
    ("detector", "detection", True), ("navigation", "navigational", True), ("radars", "radar", True),
    ("manufacturing", "manufacture", True), ("interface", "interception", False), ("electronic", "electrical", False),
    ("sensing", "sensor", False), ("vehicle", "vehicle", True),
])
def test_words_of_an_acronyms_long_form_count_as_the_same_word_only_with_another_ending(a, b, same):
    from dualuse.model.components import _same_word

    assert _same_word(a, b) is same and _same_word(b, a) is same


def test_signal_interception_names_sigint_but_not_a_commander_interface(default_nlp):
    assert [(t, i) for t, _, i in tech(default_nlp, "Tools for signal interception were built.")] == \
        [("signal interception", "signals_intelligence")]
    # "interface" and "interception" share only a prefix: this COMINT is the document's own term
    assert tech(default_nlp, "The commander interface (COMINT) shows the logs; COMINT is fast.") == []


def test_a_defined_acronym_gives_way_to_a_longer_mention_that_holds_it(default_nlp):
    text = ("We build micro-electro-mechanical systems (MEMS). Our MEMS gyroscopes and GPS receivers "
            "(the Global Positioning System (GPS) kind) fly.")
    found = [(t, i) for t, _, i in tech(default_nlp, text)]
    assert ("MEMS gyroscopes", "mems_gyroscope") in found and ("GPS receivers", "gnss_receiver") in found
    assert ("MEMS", "mems_device") in found  # the acronym itself, where it stands alone


def test_context_patterns_count_only_near_a_context_word(tmp_path):
    """An acronym too ambiguous alone ("SRM": solid rocket motor, supplier relationship
    management, sensor resource management) is a mention only with a context word nearby; the
    patterns and words travel with a bundle's pipeline."""
    from dualuse.model.components import CONTEXT_WINDOW
    from dualuse.model.pipeline import build_pipeline
    from dualuse.model.taxonomy import TaxonomyError, parse_lines

    rows = [{"taxonomy": "t", "version": "1"},
            {"id": "srm", "name": "solid rocket motor", "family": "aerospace_propulsion", "category": "9A007",
             "patterns": ["solid rocket motor"], "context_patterns": ["SRM"], "context": ["Propellant", "nozzle"]}]
    terms = parse_lines([json.dumps(r) for r in rows], label_field="family")
    nlp = build_pipeline(terms)

    def found(pipeline, text):
        doc = pipeline(text)
        return [(s.text, s.id_) for s in doc.spans[TECH_KEY]]

    # one sentence apart: both near "nozzle"
    assert found(nlp, "The SRM nozzle was cast. An SRM suite for buyers.") == [("SRM", "srm"), ("SRM", "srm")]
    assert found(nlp, "The SRM suite for buyers. " + "Filler words here. " * CONTEXT_WINDOW + "A propellant.") == []
    assert found(nlp, "Propellant grain in each SRM.") == [("SRM", "srm")]  # context words in any case
    nlp.to_disk(tmp_path / "p")
    assert found(spacy.load(tmp_path / "p"), "An SRM nozzle.") == [("SRM", "srm")]
    with pytest.raises(TaxonomyError, match="need 'context'"):
        parse_lines([json.dumps(rows[0]), json.dumps({**rows[1], "context": []})], label_field="family")
    with pytest.raises(TaxonomyError, match="single words"):
        parse_lines([json.dumps(rows[0]), json.dumps({**rows[1], "context": ["rocket motor"]})], label_field="family")


def test_a_word_split_by_a_hyphen_inside_it_is_joined_when_it_makes_a_term(default_nlp):
    """Typesetting breaks ("directed ener-gy") and hyphenated prefixes ("nano-satellites",
    "semi-conductor lasers") name the term; hyphenated words that join into no term word stay
    as they are, and their parts still match alone."""
    text = ("Fibre combiners for directed ener-gy; nano-satellites carry semi-conductor lasers and "
            "un-manned aircraft; a long-range radar; re-usable tools.")
    assert [(t, i) for t, _, i in tech(default_nlp, text)] == [
        ("directed ener-gy", "directed_energy_weapon"),
        ("nano-satellites", "small_satellite"), ("semi-conductor lasers", "semiconductor_laser"),
        ("un-manned aircraft", "unmanned_aerial_vehicle"), ("radar", "radar")]


def test_a_word_hyphenated_at_a_line_end_is_joined_when_it_makes_a_term(default_nlp):
    """Justified text and PDFs break words at a line end ("ra-\ndar"): the two halves name the
    term word, also inside a term that crosses another line break of wrapped prose."""
    text = ("The work will test small airborne imagers of the synthetic aperture ra-\ndar kind for "
            "the sponsor, and it will also study directed ener-\ngy weapons and nano-\nsatellites.")
    assert [(t, i) for t, _, i in tech(default_nlp, text)] == [
        ("synthetic aperture ra-\ndar", "synthetic_aperture_radar"),
        ("directed ener-\ngy weapons", "directed_energy_weapon"), ("nano-\nsatellites", "small_satellite")]
    wrapped = ("The work will test small airborne imagers of the synthetic\naperture ra-\ndar kind for the "
               "sponsor.")
    assert [(t, i) for t, _, i in tech(default_nlp, wrapped)] == [
        ("synthetic\naperture ra-\ndar", "synthetic_aperture_radar")]
    # halves that join into no term word stay apart: neither is a mention on its own
    assert tech(default_nlp, "The work will test small airborne imagers of the ra-\ndiant kind.") == []


def test_a_word_broken_at_a_line_end_counts_as_one_word_and_is_not_cut(default_nlp):
    """Next to a broken word the longest term is the one the same text has on one line; a term
    does not start inside a word joined across a line end; a blank line, a page break or a tab
    after the hyphen is no line-end break."""
    for broken, whole in (("a new advan-\nced reactor control rod design", "reactor control rod"),
                          ("the infrared imaging polari-\nmeter systems", "infrared imaging"),
                          ("a high performance RF seeker tech-\nnology", "RF seeker")):
        assert [t for t, _, _ in tech(default_nlp, broken)] == [whole]
    assert tech(default_nlp, "The internal combust-\nion engines of the trucks.") == []
    for text in ("A ra-\n\ndar unit.", "A ra-\tdar unit.", "A ra-\x0cdar unit."):
        assert tech(default_nlp, text) == [], repr(text)


def test_a_pattern_word_that_lower_cased_is_a_tokenizer_exception_still_matches(default_nlp):
    """Lower-case forms are tokenized as written: "im" alone is split like "Im" ("I", "m"), but a
    document's "IM" is one token."""
    assert [(t, i) for t, _, i in tech(default_nlp, "They qualified an IM explosive fill.")] == [
        ("IM explosive", "insensitive_high_explosive")]


def test_a_cue_word_hyphenated_at_a_line_end_is_a_cue(default_nlp):
    """A line end may break a cue word too ("mil-\nitary"); a hyphen inside a word on one line
    ("mili-tary") is not read as a break of a cue word."""
    doc = default_nlp("The sensors were adapted for use in all mil-\nitary vehicles and warfighter kits.")
    assert [s.text for s in doc.spans[CUES_KEY]] == ["mil-\nitary vehicles", "warfighter"]
    doc = default_nlp("The sensors were adapted for use in all mili-tary vehicles.")
    assert [s.text for s in doc.spans[CUES_KEY]] == []


def test_a_term_word_with_a_hyphenated_prefix_is_a_pattern_of_its_own(default_nlp):
    """"multi-spectral" and the like are matched on the document itself, in any case ("Multi-
    Spectral Imaging" in a title), without the view a typesetting break needs; only the splits
    no pattern has are left for the view."""
    from spacy.strings import get_string_id

    from dualuse.model.components import TECH_KEY

    text = "Multi-Spectral Imaging (MSI) and Micro Electro-Mechanical Systems for a nano-satellite."
    assert [(t, i) for t, _, i in tech(default_nlp, text)] == [
        ("Multi-Spectral Imaging", "multispectral_imaging"), ("MSI", "multispectral_imaging"),
        ("Micro Electro-Mechanical Systems", "mems_device"), ("nano-satellite", "small_satellite")]
    from dualuse.model.pipeline import build_pipeline

    first = build_pipeline()("Multi-Spectral Imaging")  # a new pipeline's first document too
    assert [s.id_ for s in first.spans[TECH_KEY]] == ["multispectral_imaging"]
    # two words of one term, each with its prefix hyphenated
    both = "Un-cooled infra-red photo-detectors; super-conducting nano-wire single photon detectors."
    assert [(t, i) for t, _, i in tech(default_nlp, both)] == [
        ("Un-cooled infra-red photo-detectors", "microbolometer"),
        ("super-conducting nano-wire single photon detectors", "snspd")]
    covered = default_nlp.get_pipe(TECH_KEY)._joinable().covered
    assert (get_string_id("multi"), get_string_id("spectral")) in covered  # has its pattern
    assert (get_string_id("ener"), get_string_id("gy")) not in covered  # left for the view


def test_a_term_written_around_an_acronym_in_parentheses_names_its_technology(default_nlp):
    """"Over-the-Horizon (OTH) radar" is read whole: its first words are a mention of the
    technology the whole phrase names; the mentions after the acronym, and the acronym, are
    what they are without it (one mention per written name, as an annotator marks them)."""
    found = tech(default_nlp, "The Over-the-Horizon (OTH) radar array; a Semi-Active Laser (SAL) seeker.")
    assert [(t, i) for t, _, i in found] == [("Over-the-Horizon", "over_the_horizon_radar"), ("radar", "radar"),
                                             ("Semi-Active Laser", "missile_seeker"), ("SAL", "laser")]
    # the acronym keeps the meaning the words before it give it alone
    found = tech(default_nlp, "A high-energy laser (HEL) weapon was built; the HEL fired.")
    assert [(t, i) for t, _, i in found] == [("high-energy laser", "laser_weapon"), ("HEL", "high_power_laser"),
                                             ("HEL", "high_power_laser")]
    # two such acronyms before one term; an acronym that is a pattern of its own stays
    found = tech(default_nlp, "Tube Launched (TL) and Hand-Launched (HL) UAV gimbals; Electronically Scanned Array "
                              "(AESA) radars.")
    assert [t for t, _, _ in found] == ["Hand-Launched", "UAV", "Electronically Scanned Array", "AESA", "radars"]
    # an exclusion read across one drops the words before it too
    assert tech(default_nlp, "The High-Performance Computing (HPC) Act of 1991.") == []
    # not a parenthesis glued to a word (a formula or a designation), nor one before a blank line,
    # nor an empty pair of parentheses
    found = tech(default_nlp, "Zr(O)C fibers, the AN/SQQ-89(V)15 (Navy) sonar and an infrared (IR)\n\nsensor.")
    assert [t for t, _, _ in found] == ["AN/SQQ-89(V)15", "sonar"]
    assert [t for t, _, _ in tech(default_nlp, "The Over-the-Horizon () OTH) radar.")] == ["radar"]
    # cue phrases are not read across one
    doc = default_nlp("They protect against nuclear, biological and chemical (NBC) weapons.")
    assert [s.text for s in doc.spans[CUES_KEY]] == ["weapons"]
