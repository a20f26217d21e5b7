"""Words for a vocabulary when no training shards exist yet (only `export.py --random` uses this).

The vocabulary of CONTRACTS §1 scenes plus common caption glue words, so the untrained pack tokenizes typical prompts
without mapping everything to <unk>. A trained pack always builds its vocabulary from the training captions.
"""
SCENE_WORDS = """
red orange yellow green cyan blue purple pink white black brown gray grey navy beige
circle square triangle star heart ring circles squares triangles stars hearts rings
small medium large big tiny huge little
left right up down diagonal diagonally bounce bounces bouncing spin spins spinning grow grows growing shrink shrinks
shrinking orbit orbits orbiting still moves moving move slides sliding drifts drifting travels rotates rotating
slow slowly normal fast quickly quick speed
sky day sunset night floor grass sand stone solid background horizon ground
upper lower top bottom corner center centre toward towards across over above below from to the a an and of on in with
is at it its while one two three frame video clip shape object
""".split()


def fallback_words():
    return sorted(set(SCENE_WORDS))
