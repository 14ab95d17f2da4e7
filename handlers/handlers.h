// The route rows each handler file exports, and the whole table assembled from them.
#pragma once

#include <vector>

#include "lib/core/router.h"
#include "lib/core/server.h"

namespace dt {

std::vector<Route> AuthRoutes();    // handlers/auth.cpp: /api/auth/*
std::vector<Route> HealthRoutes();  // handlers/health.cpp: /api/health
std::vector<Route> UserRoutes();    // handlers/user.cpp: profile show/update, hot list, search
std::vector<Route>
NearbyRoutes();                    // handlers/nearby.cpp: /api/user/location, /api/user/nearby/list
std::vector<Route> LabelRoutes();  // handlers/label.cpp: /api/label/list, /api/user/labels
std::vector<Route> AlbumRoutes();  // handlers/album.cpp: /api/album/*
std::vector<Route> UploadRoutes();    // handlers/upload.cpp: /api/upload
std::vector<Route> MessageRoutes();   // handlers/message.cpp: /api/message/*
std::vector<Route> ContactsRoutes();  // handlers/contacts.cpp: /api/contacts/list
std::vector<Route> VipRoutes();       // handlers/vip.cpp: /api/vip/* but the notifies
std::vector<Route> PayRoutes();       // handlers/pay.cpp: /api/vip/pay/*: the gateways' notifies
std::vector<Route> VisitorRoutes();   // handlers/visitor.cpp: /api/visitor/list
std::vector<Route>
SafetyRoutes();  // handlers/safety.cpp: /api/user/block, unblock, block/list, report
std::vector<Route> MatchRoutes();  // handlers/match.cpp: /api/user/like, rewind, likes/received,
                                   // match/list
std::vector<Route> DiscoveryRoutes();  // handlers/discovery.cpp: /api/user/preferences
std::vector<Route> AccountRoutes();    // handlers/account.cpp: /api/account/delete
std::vector<Route> EventsRoutes();     // handlers/events.cpp: /api/events
std::vector<Route> DeviceRoutes();     // handlers/device.cpp: /api/device/*
std::vector<Route> AdminRoutes();      // handlers/admin.cpp: /api/admin/* (operator address only)
std::vector<Route> MetricsRoutes();  // handlers/metrics.cpp: /api/admin/metrics (operator address)

// Every route of the API (handlers/routes.cpp).
std::vector<Route> AllRoutes();

// The workers' background tasks (handlers/routes.cpp).
std::vector<PeriodicTask> AllTasks();

}  // namespace dt
