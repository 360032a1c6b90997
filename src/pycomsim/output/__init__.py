"""What a run leaves behind for people and tools: VCD files, timing-diagram plots, a progress bar."""
