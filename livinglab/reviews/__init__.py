"""Expert reviews of ideas against the Living Lab's rubric."""
