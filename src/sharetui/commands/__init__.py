"""The command line's subcommands, one module per area; sharetui.cli parses and dispatches."""
