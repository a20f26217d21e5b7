import { describe, expect, it } from "vitest";
import { Rng, captionsFor, continueScene, describeScene, parsePrompt, trainingScene } from "../../engine/synth/index.ts";
import { placePhrase } from "../../engine/synth/lexicon.ts";

describe("parsePrompt", () => {
  it("reads a colour, a shape, a motion and a background", () => {
    const p = parsePrompt("a red ball bouncing at sunset");
    expect(p.objects).toEqual([{ color: "red", shape: "circle", motion: "bounce" }]);
    expect(p.background).toEqual({ kind: "sky", look: "sunset" });
    expect(p.unknownWords).toEqual([]);
  });

  it("takes a blue background as the nearest solid one the renderer has (navy), not the default black", () => {
    const p = parsePrompt("a red ball bouncing on a blue background");
    expect(p.objects).toEqual([{ color: "red", shape: "circle", motion: "bounce" }]);
    expect(p.background).toEqual({ kind: "solid", color: "navy" });
  });

  it("reads counts and plurals", () => {
    const p = parsePrompt("two blue squares moving right");
    expect(p.objects).toEqual([
      { color: "blue", shape: "square", motion: "right" },
      { color: "blue", shape: "square", motion: "right" },
    ]);
    expect(p.background).toBeUndefined();
  });

  it("reads spin on a floor, directions from paths and diagonals", () => {
    expect(parsePrompt("a green star spins on grass")).toMatchObject({
      objects: [{ color: "green", shape: "star", motion: "spin" }], background: { kind: "floor", look: "grass" },
    });
    expect(parsePrompt("A small red ball glides slowly from the right side of the frame to the left across a plain black background."))
      .toMatchObject({
        objects: [{ color: "red", shape: "circle", size: "small", speed: "slow", motion: "left" }],
        background: { kind: "solid", color: "black" },
      });
    expect(parsePrompt("a purple heart drifting diagonally up and to the left").objects[0])
      .toMatchObject({ motion: "diagonal", diagonal: "up-left" });
    expect(parsePrompt("a white box bounces up and down on sand").objects[0]).toMatchObject({ motion: "bounce" });
    expect(parsePrompt("a big orange ring circles around the center").objects[0])
      .toMatchObject({ color: "orange", shape: "ring", size: "large", motion: "orbit" });
  });

  it("reads where an object that stays is placed, and leaves travel paths and orbits to their motion", () => {
    expect(parsePrompt("a red ball on the left side").objects[0]).toEqual({ color: "red", shape: "circle", start: [0.35, 0.5] });
    expect(parsePrompt("a pink star spins in the top right of the frame at night").objects[0])
      .toMatchObject({ motion: "spin", start: [0.65, 0.35] });
    expect(parsePrompt("a green heart sits in the middle").objects[0]).toMatchObject({ motion: "still", start: [0.5, 0.5] });
    expect(parsePrompt("a blue box grows near the bottom of the frame").objects[0]).toMatchObject({ start: [0.5, 0.65] });
    expect(parsePrompt("a cyan ring orbits around the middle").objects[0].start).toBeUndefined();
    expect(parsePrompt("a white box bounces up and down near the bottom of the frame").objects[0].start).toBeUndefined();
    expect(parsePrompt("a red ball slides from the left side to the right").objects[0]).toEqual(
      { color: "red", shape: "circle", motion: "right" });
    expect(parsePrompt("a red ball on the left and a blue square on the right").objects.map((o) => o.start))
      .toEqual([[0.35, 0.5], [0.65, 0.5]]);
  });

  it("splits several objects and reports unknown words", () => {
    const p = parsePrompt("a red ball moving left and a blue dragon square moving up on a plain white background");
    expect(p.objects).toEqual([
      { color: "red", shape: "circle", motion: "left" },
      { color: "blue", shape: "square", motion: "up" },
    ]);
    expect(p.background).toEqual({ kind: "solid", color: "white" });
    expect(p.unknownWords).toEqual(["dragon"]);
    expect(p.knownWords).toContain("ball");
  });

  it("reads back the training captions it is made from", () => {
    const rng = new Rng(8);
    for (let k = 0; k < 200; k++) {
      const scene = trainingScene(rng);
      for (const caption of captionsFor(scene, rng)) {
        const p = parsePrompt(caption);
        expect(p.unknownWords, caption).toEqual([]);
        expect(p.objects.map((o) => o.color), caption).toEqual(scene.objects.map((o) => o.color));
        expect(p.objects.map((o) => o.shape), caption).toEqual(scene.objects.map((o) => o.shape));
        expect(p.objects.map((o) => o.motion), caption).toEqual(scene.objects.map((o) => o.motion));
        if (/background|sky|sunset|night|grass|sand|stone/.test(caption)) expect(p.background, caption).toEqual(scene.background);
        // A place the caption states ("on the left side of the frame") reads back as a start on the same side.
        p.objects.forEach((o, i) => {
          if (o.start) expect(placePhrase(...o.start), caption).toBe(placePhrase(...scene.objects[i].start));
        });
      }
    }
  });
});

describe("describeScene", () => {
  it("fills defaults and writes a detailed caption that parses back to the same scene", () => {
    const text = describeScene(parsePrompt("a red ball"), "long");
    expect(text).toMatch(/^A .*red (ball|circle|disc)/);
    expect(text).toMatch(/black background/);
    const again = parsePrompt(text);
    expect(again.objects[0]).toMatchObject({ color: "red", shape: "circle", motion: "still" });
  });

  it("is deterministic and keeps what the prompt says", () => {
    const parsed = parsePrompt("a green star spins quickly on grass");
    expect(describeScene(parsed)).toBe(describeScene(parsed));
    expect(parsePrompt(describeScene(parsed))).toMatchObject({
      objects: [{ color: "green", shape: "star", motion: "spin", speed: "fast" }],
      background: { kind: "floor", look: "grass" },
    });
  });
});

describe("continueScene", () => {
  const parent = parsePrompt("a blue star spins on green grass while a red ball stays still");

  it("changes the object a follow-up names, keeping what it leaves unsaid", () => {
    expect(continueScene(parent, parsePrompt("now it moves to the left"))).toEqual({
      objects: [{ color: "blue", shape: "star", motion: "left" }, { color: "red", shape: "circle", motion: "still" }],
      background: { kind: "floor", look: "grass" },
    });
    // By colour, then by shape: the red one is the second object.
    expect(continueScene(parent, parsePrompt("the red ball bounces")).objects[1]).toMatchObject({ color: "red", motion: "bounce" });
    expect(continueScene(parent, parsePrompt("the star turns yellow")).objects[0]).toMatchObject({ color: "yellow", shape: "star", motion: "spin" });
  });

  it("adds an object that matches none, and takes a new background", () => {
    const next = continueScene(parsePrompt("a blue star spins"), parsePrompt("a green heart moves up at night"));
    expect(next.objects).toEqual([{ color: "blue", shape: "star", motion: "spin" }, { color: "green", shape: "heart", motion: "up" }]);
    expect(next.background).toEqual({ kind: "sky", look: "night" });
  });

  it("forgets the old place and diagonal once the motion changes", () => {
    const placed = parsePrompt("a pink ring sits in the top left of the frame");
    expect(continueScene(placed, parsePrompt("it moves down")).objects[0]).toEqual({ color: "pink", shape: "ring", motion: "down" });
    const diagonal = parsePrompt("a pink ring drifts diagonally up and to the left");
    expect(continueScene(diagonal, parsePrompt("it spins")).objects[0]).toEqual({ color: "pink", shape: "ring", motion: "spin" });
  });
});

