// The texts `cross-encoder demo` ranks: real Debian 12 package descriptions (from the demo model's held-out
// set, plus tmux) and queries in the style the model learned (a package's one-line summary), each with one
// clearly right package among them.

export interface DemoDocument {
  /** The Debian package the description belongs to (shown in the table; never given to the model). */
  pkg: string;
  text: string;
}

export const DEMO_QUERIES: readonly string[] = [
  'terminal multiplexer',
  'IRC client',
  'video editing',
  'side-by-side diff tool',
  'clipboard manager',
  'solitaire card games',
  'convert Word documents to plain text',
];

export const DEMO_DOCUMENTS: readonly DemoDocument[] = [
  { pkg: "tmux", text: "tmux enables a number of terminals (or windows) to be accessed and\ncontrolled from a single terminal like screen. tmux runs as a\nserver-client system. A server is created automatically when necessary\nand holds a number of sessions, each of which may have a number of\nwindows linked to it. Any number of clients may connect to a session,\nor the server may be controlled by issuing commands with tmux.\nCommunication takes place through a socket, by default placed in /tmp.\nMoreover tmux provides a consistent and well-documented command\ninterface, with the same syntax whether used interactively, as a key\nbinding, or from the shell. It offers a choice of vim or Emacs key\nlayouts." },
  { pkg: "hexchat", text: "HexChat is a graphical IRC client with a GTK+ GUI. Features include Python,\nPerl and Lua scripting support, a plugin API, multiple server/channel\nwindows, spell checking, multiple authentication methods including SASL, and\ncustomizable notifications. For more information on IRC, see\nhttp://irchelp.org/." },
  { pkg: "kdenlive", text: "Kdenlive is a non-linear video editing suite, which supports DV, HDV and many\nmore formats.\nIts main features are:\n * Guides and marker for organizing timelines\n * Copy and paste support for clips, effects and transitions\n * Real time changes\n * FireWire and Video4Linux capture\n * Screen grabbing\n * Exporting to any by FFMPEG supported format" },
  { pkg: "ace-of-penguins", text: "The Ace of Penguins is a set of solitaire games inspired by the ones\navailable for MS Windows, but with a number of enhancements.\n\nThe package consists of the games Canfield, Freecell, Golf,\nMastermind, Merlin, Minesweeper, Pegged, Solitaire, Spider, Taipei\n(with a level editor), and Thornq.\n\nNOTE: If you experience problems with the F1 help key, please\nmake sure you have package xfonts-100dpi installed." },
  { pkg: "conky-cli", text: "Conky is a system monitor that can display just about anything,\neither on your root desktop or in its own window.\nConky has many built-in objects, as well as the ability to execute\nexternal programs or scripts (either external or through built-in\nLua support).\n\nThis is a basic package that can be useful in servers or piped with dzen2.\nIt includes the following support:\n\nMPD, MOC, math, apcupsd, ncurses and I/O stats." },
  { pkg: "icdiff", text: "By highlighting changes, icdiff can show you the differences between similar\nfiles without getting in the way. This is especially helpful for identifying\nand understanding small changes within existing lines.\nInstead of trying to be a diff replacement for all circumstances, the goal\nof icdiff is to be a tool you can reach for to get a better picture of what\nchanged when it's not immediately obvious from diff." },
  { pkg: "docx2txt", text: "This tool attempts to generate equivalent plain text files from\nMicrosoft .docx documents, preserving some formatting and document\ninformation (which MS text conversion drops) along with appropriate\ncharacter conversions for a good (ascii or utf-8) text experience.\nIt is a platform independent solution consisting of (core) Perl and\n(wrapper) Unix/Windows shell scripts and a configuration file to\ncontrol the output text appearance to a fair extent.  It can very\nconveniently be used to build a Web-based docx document conversion\nservice.  Some Makefiles and Windows batch files are provided for\neasy installation of the scripts.  With unzippers like CakeCmd that\ncan deal with corrupt Zip archives, this tool can extract text from\ncorrupt docx documents in many cases, where MS Word fails to even\nopen them." },
  { pkg: "clipit", text: "Clipboard manager with features such as:\n * Save history of your last copied items\n * Search through the history\n * Global hotkeys for most used functions\n * Execute actions with clipboard items\n * Exclude specific items from history\n\nClipIt was forked from Parcellite and adds many bugfixes and features to the\nproject.\n\nDiodon is a replacement for ClipIt, which is no longer supported.\n\nThis package may be safely removed after the migration to Diodon is complete." },
  { pkg: "abook", text: "abook is a text-based ncurses address book application. It provides many\ndifferent fields of user info. abook is designed for use with mutt, but\ncan be used independently." },
];
